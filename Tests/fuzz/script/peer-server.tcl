# A peer for driver.tcl in its own process: our TLS server (this build), with
# the random server options and callbacks of driver.tcl's library for the
# seed, echoing what it reads. Prints "PORT n" and serves until killed.
#   tclsh peer-server.tcl SEED
set seed [lindex $argv 0]
set here [file dirname [file normalize [info script]]]
set auto_path [linsert $auto_path 0 $env(TLS_BUILD_DIR)]
package require -exact tls 2.1.0
set pkidir $env(TLS_TEST_PKI)
proc pki {name} { file join $::pkidir $name }
set blockingOk 0
set avoid [expr {[info exists env(TLS_FUZZ_AVOID)] ? $env(TLS_FUZZ_AVOID) : ""}]
source [file join $here library.tcl]
expr {srand($seed + 3)}
proc accept {chan host port} {
    fconfigure $chan -blocking 0 -translation binary
    fileevent $chan readable [list echo $chan]
}
proc echo {chan} {
    if {[catch {read $chan} d] || [catch {eof $chan} e] || $e} { catch {close $chan}; return }
    catch {puts -nonewline $chan $d; flush $chan}
    if {[chance 0.1]} { act $chan peer }
}
set s [tls::socket -server accept {*}[tlsOptions 1] -myaddr 127.0.0.1 0]
puts "PORT [lindex [fconfigure $s -sockname] 2]"
flush stdout
vwait forever
