# tls::unimport inside the -command callback that a puts (implicit handshake) runs.
set auto_path [linsert $auto_path 0 [lindex $argv 0]]
package require -exact tls 2.1.0
set pki [file join [file dirname [file normalize [info script]]] pki]
if {![file exists $pki]} { set pki /work/wt-fuzz/Tests/tcl/pki }
proc cb {kind chan args} { if {$kind eq "info" && !$::done} { set ::done 1; puts "unimport in -command $kind [lrange $args 0 1]"; tls::unimport $chan } }
set done 0
set s [socket -server {apply {{c h p} {}}} -myaddr 127.0.0.1 0]
set c [socket 127.0.0.1 [lindex [fconfigure $s -sockname] 2]]
tls::import $c -cafile $pki/ca.pem -servername localhost -command cb
fconfigure $c -blocking 0
catch {puts $c hello} e; puts "puts: $e"
catch {flush $c} e; puts "flush: $e"
puts DONE
