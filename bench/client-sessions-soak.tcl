# client-sessions-soak.tcl ?N? ?STEP?: a client that talks to N (default
# 20000) distinct server names, resuming through one -model context, and
# prints its memory and the number of remembered sessions every STEP
# (default 1000) connections. The client context keeps the latest session
# per name for at most 256 names (ClientSessionCache): both figures level
# off. The server is bench/soak-server.tcl in another process, so the
# figures are the client's alone.
#
#   make && tclsh bench/client-sessions-soak.tcl 20000
set here [file dirname [file normalize [info script]]]
set root [file dirname $here]
set libdir [expr {[info exists env(BENCH_LIBDIR)] ? $env(BENCH_LIBDIR) : [file join $root build]}]
set pki [file join $root Tests tcl pki]
exec sh [file join $root Tests tcl make-pki.sh] $pki
set auto_path [linsert $auto_path 0 $libdir]
package require -exact tls 2.1.0
lassign [concat $argv 20000 1000] n step
if {$n <= 0 || $step <= 0} { error "usage: client-sessions-soak.tcl ?N? ?STEP?" }

set env(BENCH_LIBDIR) $libdir
set server [open |[list [info nameofexecutable] [file join $here soak-server.tcl] ours \
                       [file join $pki server.pem] [file join $pki server.key] 2>@stderr] r+]
if {![regexp {READY (\d+)} [gets $server] -> port]} { error "the server did not start" }

proc rssKiB {} {
    set f [open /proc/self/status]
    set text [read $f]
    close $f
    regexp {VmRSS:\s+(\d+)} $text -> kib
    return $kib
}

# One connection to name: handshake, a line each way (a TLS 1.3 client takes
# its tickets then), close. Returns session_reused.
proc visit {name args} {
    global port
    set c [tls::socket -servername $name -require 0 {*}$args 127.0.0.1 $port]
    puts $c ping
    flush $c
    gets $c
    set reused [dict get [tls::connection $c] session_reused]
    if {[llength $args] == 0} { return $c }
    close $c
    return $reused
}

set model [visit first.example]
puts [format "%8s %10s %9s" connections rss_KiB sessions]
set start [clock milliseconds]
for {set i 1} {$i <= $n} {incr i} {
    visit host$i.example -model $model
    if {$i % $step == 0} {
        # (Builds before the bound have no counter.)
        set count [expr {[namespace which tls::SessionCacheCount] ne "" ? [tls::SessionCacheCount $model] : "-"}]
        puts [format "%8d %10d %9s" $i [rssKiB] $count]
    }
}
# The latest names are still resumed; the earliest were forgotten.
puts "host$n.example resumed: [visit host$n.example -model $model]; host1.example resumed: [visit host1.example -model $model]"
puts "[expr {[clock milliseconds] - $start}] ms"
close $model
close $server
