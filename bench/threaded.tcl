# The threaded-server workload, sourced by bench.tcl: the thread-pool HTTPS
# server of examples/threaded-server.tcl (listener thread, 1 or 2 worker
# threads, RSA-4096 certificate) serves small requests, each on a new connection (full TLS
# handshake), from two client processes (bench/threaded-client.tcl, always
# our build, 8 connections in flight each). Timed: from "go" to both clients
# done; the figure is completed requests per second. Printed as two lines,
# threaded-server-1w and threaded-server-2w, and the 2-worker/1-worker
# factor of each implementation on stderr.

set threadedRequests [expr {$quick ? 40 : 400}]

# The server presents an RSA-4096 certificate, made once per bench run: its
# signature (about 4.5 ms of CPU here, against 0.07 ms for the client's
# check) makes the server's side of each handshake the work that is
# measured, as for a server whose clients are on other machines. With the
# RSA-2048 test certificate the client processes cost as much CPU as the
# server, and one worker plus the clients already fill both cores.
proc threadedIdentity {} {
    set cert [file join $::work threaded-cert.pem]
    set key [file join $::work threaded-key.pem]
    if {![file exists $key]} {
        exec openssl req -x509 -newkey rsa:4096 -nodes -keyout $key -out $cert -days 30 \
            -subj /CN=localhost 2>@1
    }
    return [list $cert $key]
}

proc threadedTrial {workers impl} {
    set env [list TLS_VERSION=[implVersion $impl]]
    if {$impl eq "ours"} {
        lappend env TCLLIBPATH=[implLibdir $impl]
    }
    set server [spawnCommand [list env {*}$env $::tclsh [file join $::here .. examples threaded-server.tcl] \
        0 {*}[threadedIdentity] $workers]]
    threadedClients [lindex [expect $server listening 30000] 2]
}

# The two client processes against port, from "go" to both done: requests/s.
# (Also the load of the reuseport workload.)
proc threadedClients {port} {
    set clients {}
    foreach c {1 2} {
        set chan [spawnCommand [list $::tclsh [file join $::here threaded-client.tcl] port $port \
            count [expr {$::threadedRequests / 2}] concurrency 8 \
            libdir [implLibdir ours] version [implVersion ours]]]
        expect $chan ready 30000
        lappend clients $chan
    }
    set start [clock microseconds]
    foreach chan $clients { send $chan go }
    set completed 0
    foreach chan $clients {
        lassign [expect $chan done 120000] -> ok failed
        if {$failed > 0} {
            error "$failed of [expr {$ok + $failed}] requests failed"
        }
        incr completed $ok
    }
    set elapsed [expr {([clock microseconds] - $start) / 1e6}]
    return [expr {$completed / $elapsed}]
}

# Per pair and implementation: one trial with 1 worker, then one with 2, so
# that the factor of the two is taken in the same window (this machine's
# speed drifts); the factor line is the median of those per-pair factors.
proc threadedWorkload {} {
    if {![selected threaded-server]} {
        return
    }
    foreach impl {ours tcltls} {
        foreach k {1 2 factor} { set samples($k,$impl) {} }
        set problem($impl) ""
    }
    for {set p 0} {$p < $::pairs} {incr p} {
        foreach impl {ours tcltls} {
            if {$problem($impl) ne ""} {
                continue
            }
            foreach workers {1 2} {
                if {[catch {threadedTrial $workers $impl} rate($workers)]} {
                    set problem($impl) $rate($workers)
                    log "threaded-server $impl ($workers workers): $rate($workers)"
                }
                stopAll
            }
            if {$problem($impl) eq ""} {
                lappend samples(1,$impl) $rate(1)
                lappend samples(2,$impl) $rate(2)
                lappend samples(factor,$impl) [expr {$rate(2) / $rate(1)}]
            }
        }
    }
    foreach {k name unit} {1 threaded-server-1w requests/s 2 threaded-server-2w requests/s
                           factor threaded-server-2w/1w x} {
        report $name $unit [list ours $samples($k,ours) tcltls $samples($k,tcltls)] [array get problem]
    }
}
