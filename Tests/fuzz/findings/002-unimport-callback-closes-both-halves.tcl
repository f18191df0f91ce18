set auto_path [linsert $auto_path 0 [lindex $argv 0]]
package require -exact tls 2.1.0
set pki /work/wt-fuzz/Tests/tcl/pki
proc accept {chan host port} { fconfigure $chan -blocking 0; fileevent $chan readable [list rd $chan] }
proc rd {chan} { if {[catch {read $chan}] || [eof $chan]} { close $chan } }
proc cb {kind chan args} {
    if {$::unimporting} { puts "callback $kind [lrange $args 0 1]: closing both halves"; catch {close $chan read}; catch {close $chan write} }
}
set unimporting 0
set s [tls::socket -server accept -certfile $pki/server.pem -keyfile $pki/server.key -myaddr 127.0.0.1 0]
set c [tls::socket -cafile $pki/ca.pem -servername localhost -command cb 127.0.0.1 [lindex [fconfigure $s -sockname] 2]]
fconfigure $c -blocking 0
while {![tls::handshake $c]} { after 5 {set x 1}; vwait x }
set unimporting 1
catch {tls::unimport $c} e; puts "unimport: $e"
after 100 {set done 1}; vwait done
puts DONE
