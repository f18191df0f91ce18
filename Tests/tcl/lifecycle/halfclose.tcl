# Issue 15's half-close case, as a user wrote it: a non-blocking client
# channel asks for a half-close (`close $chan write`) before its handshake
# has finished, and its -command callback closes the channel when it sees
# `info $chan handshake done`. Before the fix the half-close check, queued
# on the event loop, ran on the freed channel (SIGSEGV 3 runs in 5).
# Parameter: repeat (default 1). Prints "OK closed-in-callback N" per run.
if {![info exists ::repeat]} {set ::repeat 1}

proc ::accept {chan host port} {
    fconfigure $chan -blocking 0
    fileevent $chan readable [list ::serverRead $chan]
}
proc ::serverRead {chan} {
    if {[catch {read $chan}] || [eof $chan]} {catch {close $chan}}
}
proc ::command {args} {
    if {[lrange $args 0 3] eq [list info $::client handshake done]} {
        close $::client
        set ::closed 1
    }
}
set listener [tls::socket -server ::accept {*}[tlstest::serverOpts] -myaddr 127.0.0.1 0]
set port [lindex [fconfigure $listener -sockname] 2]
for {set i 0} {$i < $::repeat} {incr i} {
    set ::closed 0
    set ::client [tls::socket -async {*}[tlstest::clientOpts] -command ::command 127.0.0.1 $port]
    fconfigure $::client -blocking 0
    close $::client write
    set bound [after 20000 {set ::closed timeout}]
    vwait ::closed
    after cancel $bound
    # Let the event loop run what was queued (the half-close check; under
    # valgrind it comes this late).
    after 200 {set ::settled 1}
    vwait ::settled
    puts "OK closed-in-callback $::closed [expr {$::client in [chan names]}]"
}
close $listener
