# many.tcl: the many-connections workload, sourced by bench.tcl.
#
# One event-driven tls::socket -server process (worker.tcl hs-server, mode
# echo) holds N established, idle TLS connections (N = 10,000) from
# BENCH_MANY_CLIENTS client processes (many-client.tcl, under Tcl 9), then
# echoes one line on each of them. Reported, for a server under Tcl 9 and
# then for the same server under Tcl 8.6 (TCLSH):
#
#   bench many-connections tclV conns N establish S s memory K KiB/conn echo S s
#
# establish: from the clients' start until every connection is verified and
# its handshake done on both sides; memory: the server's VmRSS growth from
# before the first connection to all N idle, divided by N; echo: from "go"
# until every client has read back every line. A server that stops short
# prints where and why (Tcl 8.6: its select() notifier cannot watch a
# descriptor >= FD_SETSIZE, 1024) instead:
#
#   bench many-connections tclV stopped at N of M: REASON
#
# and, for reference, the same workload over plain Tcl 9 sockets (no TLS):
#
#   bench many-connections plain-tclV conns N establish S s memory K KiB/conn echo S s
#
# Environment: TCLSH9 (the Tcl 9 shell; without it the row is n/a),
# BENCH_MANY (N), BENCH_MANY_CLIENTS (4).

proc manyConnections {} {
    if {![selected many-connections]} {
        return
    }
    set tclsh9 [setting TCLSH9 ""]
    if {$tclsh9 eq "" || ![file executable $tclsh9]} {
        puts "bench many-connections n/a: no Tcl 9 (set TCLSH9, e.g. by building it with scripts/tcl9.sh)"
        return
    }
    set n [setting BENCH_MANY [expr {$::quick ? 200 : 10000}]]
    set clients [setting BENCH_MANY_CLIENTS 4]
    set fds [exec sh -c {ulimit -n}]
    if {$fds ne "unlimited" && $fds < $n + 100} {
        puts "bench many-connections n/a: ulimit -n is $fds, $n connections need [expr {$n + 100}]"
        return
    }
    foreach {server plain} [list $tclsh9 0 $::tclsh 0 $tclsh9 1] {
        if {[catch {manyTrial $server $tclsh9 $n $clients $plain} line]} {
            set line "failed: $line"
        }
        set version [exec $server << {puts [info patchlevel]}]
        puts "bench many-connections [expr {$plain ? "plain-" : ""}]tcl$version $line"
        flush stdout
        stopAll
    }
}

# One trial with the server under serverShell (plain: no TLS, the reference);
# returns the figures as a line.
proc manyTrial {serverShell clientShell n clients plain} {
    set errors [file join $::work many-server.err]
    if {$plain} {
        set command [list $serverShell [file join $::here many-client.tcl] role plain-server]
    } else {
        set command [list $serverShell [file join $::here worker.tcl] role hs-server mode echo \
            version $::oursVersion libdir $::libdir \
            cert [file join $::pki server.pem] key [file join $::pki server.key]]
    }
    set server [spawnCommand $command "2>$errors"]
    set port [serverPort $server]
    set before [vmRSS [pid $server]]

    set per [expr {($n + $clients - 1) / $clients}]
    set procs {}
    for {set i 0; set left $n} {$i < $clients && $left > 0} {incr i; incr left -$per} {
        lappend procs [spawnCommand [list $clientShell [file join $::here many-client.tcl] \
            version $::oursVersion libdir $::libdir port $port count [expr {min($per, $left)}] \
            cafile [file join $::pki ca.pem] plain $plain]]
    }
    # Every client reports once all its connections are done or failed; the
    # server's own count is polled meanwhile, so that a server that dies
    # leaves its last count behind.
    set start [clock microseconds]
    set ok 0
    set failed 0
    set firstError ""
    set last 0
    set ::manyFds 0
    foreach client $procs {
        set line [manyAwait $client established $server last]
        lassign $line - cok cfailed
        incr ok $cok
        incr failed $cfailed
        if {$firstError eq "" && $cfailed > 0} {
            set firstError [lrange $line 4 end]
        }
    }
    if {[manyServerAlive $server]} {
        # The last handshakes end on the server's side after the clients'.
        set deadline [expr {[clock milliseconds] + 60000}]
        while {[set last [lindex [serverStats $server] 0]] < $ok && [clock milliseconds] < $deadline} {
            after 20
        }
    }
    set established [expr {([clock microseconds] - $start) / 1e6}]
    if {$failed > 0 || ![manyServerAlive $server]} {
        return "stopped at $last of $n (handshakes done, last count; at most $::manyFds descriptors open):\
                [manyWhy $server $errors $firstError]"
    }
    after 500
    set after [vmRSS [pid $server]]
    set perConn [expr {($after - $before) / double($n)}]

    set start [clock microseconds]
    foreach client $procs {
        send $client go
    }
    set echoFailed 0
    foreach client $procs {
        lassign [expect $client echoed 300000] - - cfailed
        incr echoFailed $cfailed
    }
    set echo [expr {([clock microseconds] - $start) / 1e6}]
    if {$echoFailed > 0} {
        return "echo failed on $echoFailed of $n connections"
    }
    log [format "many-connections under %s: server VmRSS %d KiB before, %d KiB with %d idle connections" \
        $serverShell $before $after $n]
    format "conns %d establish %.2f s memory %.1f KiB/conn echo %.2f s" $n $established $perConn $echo
}

# The client's next line (word expected), polling the server's handshake
# count into lastVar (and the most descriptors it had open into ::manyFds) every 200 ms
# while waiting.
proc manyAwait {client word server lastVar} {
    upvar 1 $lastVar last
    set deadline [expr {[clock milliseconds] + 600000}]
    while {[clock milliseconds] < $deadline} {
        if {![catch {readLine $client 200} line]} {
            if {[lindex $line 0] ne $word} {
                error "client said: $line"
            }
            return $line
        }
        if {![string match "timeout after *" $line]} {
            error "client: $line"
        }
        if {[manyServerAlive $server]} {
            catch {set last [lindex [serverStats $server] 0]}
            catch {set ::manyFds [expr {max($::manyFds, [llength [glob -nocomplain /proc/[pid $server]/fd/*]])}]}
        }
    }
    error "timeout waiting for the clients"
}

proc manyServerAlive {server} {
    set pid [pid $server]
    expr {[file exists /proc/$pid/status] && ![string match "*State:*Z*" [manyStatus $pid]]}
}
proc manyStatus {pid} {
    if {[catch {open /proc/$pid/status} f]} {
        return ""
    }
    set status [read $f]
    close $f
    regexp -line {^State:.*$} $status state
    return $state
}

# Why the server stopped: its last words on stderr, or the clients' first error.
proc manyWhy {server errors firstError} {
    set alive [manyServerAlive $server]
    set text ""
    catch {
        set f [open $errors]
        set text [string trim [read $f]]
        close $f
    }
    set reason [expr {$alive ? "server still running" : "server exited"}]
    if {$text ne ""} {
        append reason " ([lindex [split $text \n] end])"
    }
    if {$firstError ne ""} {
        append reason "; first client error: $firstError"
    }
    return $reason
}
