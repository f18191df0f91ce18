# silent-peers.tcl ?N? ?server options...?: what N (default 200) peers that
# connect, send 10 bytes of a ClientHello and go silent cost a tls::socket
# server, and what it gets back when their handshakes' deadline passes
# (ROUNDS=2 rounds of them by default, one after the other).
# The server runs in another process (an ordinary event-driven server: its
# readable handler closes a channel whose read fails); this script reports
# its resident memory (VmRSS) before the peers, with them connected, and
# after the deadline (default options: 30000 ms), as one line:
#
#   make && tclsh bench/silent-peers.tcl 200
#   tclsh bench/silent-peers.tcl 200 -handshaketimeout 0   ;# no deadline
#
# The peers are Tests/tcl/peers/silent_peer.py (python3). Takes about 40 s a round.
set here [file dirname [file normalize [info script]]]
set root [file dirname $here]
set libdir [expr {[info exists env(BENCH_LIBDIR)] ? $env(BENCH_LIBDIR) : [file join $root build]}]
set pki [file join $root Tests tcl pki]
exec sh [file join $root Tests tcl make-pki.sh] $pki
set n [expr {[llength $argv] ? [lindex $argv 0] : 200}]
set options [lrange $argv 1 end]
set rounds [expr {[info exists env(ROUNDS)] ? $env(ROUNDS) : 2}]
set auto_path [linsert $auto_path 0 $libdir]
package require -exact tls 2.1.0

# The server, in its own process.
set serverScript [string map [list @LIB@ [list $libdir] @PKI@ [list $pki] @OPTIONS@ [list $options]] {
    set auto_path [linsert $auto_path 0 @LIB@]
    package require -exact tls 2.1.0
    set open 0
    proc accept {chan host port} {
        incr ::open
        fconfigure $chan -blocking 0
        fileevent $chan readable [list serve $chan]
    }
    proc serve {chan} {
        if {[catch {read $chan}] || [eof $chan]} {
            close $chan
            incr ::open -1
        }
    }
    set s [tls::socket -server accept -certfile @PKI@/server.pem -keyfile @PKI@/server.key \
               {*}@OPTIONS@ -myaddr 127.0.0.1 0]
    puts "READY [lindex [fconfigure $s -sockname] 2] [pid]"
    flush stdout
    fileevent stdin readable {
        if {[gets stdin line] < 0} { exit }
        puts "OPEN $::open"
        flush stdout
    }
    vwait forever
}]
set serverFile [file join [expr {[info exists env(TMPDIR)] ? $env(TMPDIR) : "/tmp"}] silent-peers-server.[pid].tcl]
set f [open $serverFile w]
puts $f $serverScript
close $f
set server [open |[list [info nameofexecutable] $serverFile 2>@stderr] r+]
fconfigure $server -buffering line
if {![regexp {READY (\d+) (\d+)} [gets $server] -> port serverPid]} { error "the server did not start" }

proc rssKiB {pid} {
    set f [open /proc/$pid/status]
    set text [read $f]
    close $f
    regexp {VmRSS:\s+(\d+)} $text -> kib
    return $kib
}
proc openCount {} {
    puts $::server open
    lindex [gets $::server] 1
}
proc pause {ms} { after $ms {set ::paused 1}; vwait ::paused }

# One complete handshake first, so that the context is made before we measure.
set c [tls::socket -cafile [file join $pki ca.pem] -servername localhost 127.0.0.1 $port]
tls::handshake $c
close $c
pause 500
set before [rssKiB $serverPid]

# Rounds of N silent peers: each round's peers connect, and the server is
# given until they are all let go (or 40 s). With a deadline the memory one
# round took is reused by the next (glibc keeps freed memory for the
# process, so RSS levels off rather than falls); without one it adds up.
set report [format "%d silent peers a round, server options {%s}: RSS before %d KiB" $n $options $before]
set peerHandles {}
set stillOpen 0
for {set round 1} {$round <= $rounds} {incr round} {
    set peers [open |[list python3 -u [file join $root Tests tcl peers silent_peer.py] --role client \
                          --port $port --count $n --timeout 200 2>@stderr] r]
    lappend peerHandles $peers
    fconfigure $peers -buffering line
    if {[gets $peers] ne "CONNECTED $n"} { error "the peers did not connect" }
    while {[openCount] < $stillOpen + $n} { pause 100 }
    pause 500
    set with [rssKiB $serverPid]
    set start [clock milliseconds]
    while {[openCount] > 0 && [clock milliseconds] - $start < 40000} { pause 250 }
    set waited [expr {([clock milliseconds] - $start) / 1000.0}]
    pause 500
    append report [format "; round %d: with them %d KiB (+%.1f KiB each), after %.0f s %d KiB, %d still open" \
                       $round $with [expr {($with - $before) / double($n)}] $waited [rssKiB $serverPid] [openCount]]
    set stillOpen [openCount]
}
puts $report
foreach peers $peerHandles { catch {close $peers} }
close $server
file delete $serverFile
