# The reuseport workload, sourced by bench.tcl: one service on one port run
# by 1 and then by 2 server processes (Tcl 9's socket -reuseport, shared
# -ticketkeys; bench/reuseport-server.tcl, RSA-4096 certificate as in
# threaded-server, so the servers' handshakes are the work measured), loaded
# by the two client processes of threaded-server (bench/threaded-client.tcl,
# a full handshake per request). Figures: requests/s with 1 and 2 processes,
# and their factor. Ours only: TclTLS has no shared ticket keys.

proc reuseportTrial {processes tclsh9} {
    set keys [file join $::work ticketkeys]
    if {![file exists $keys]} {
        exec openssl rand -out $keys 80
    }
    lassign [threadedIdentity] cert key
    set port [freePort]
    for {set i 0} {$i < $processes} {incr i} {
        set server [spawnCommand [list $tclsh9 [file join $::here reuseport-server.tcl] port $port \
            libdir [implLibdir ours] version [implVersion ours] cert $cert key $key ticketkeys $keys]]
        expect $server listening 30000
    }
    threadedClients $port
}

proc reuseportWorkload {} {
    if {![selected reuseport]} {
        return
    }
    set tclsh9 [setting TCLSH9 ""]
    if {$tclsh9 eq "" || ![file executable $tclsh9]} {
        puts "bench reuseport n/a: no Tcl 9 (set TCLSH9; Tcl 8.6's socket has no -reuseport)"
        return
    }
    foreach k {1 2 factor} { set samples($k) {} }
    set problem ""
    for {set p 0} {$p < $::pairs && $problem eq ""} {incr p} {
        # 1 then 2 processes in the same window (this machine's speed drifts).
        foreach n {1 2} {
            if {[catch {reuseportTrial $n $tclsh9} rate($n)]} {
                set problem $rate($n)
                log "reuseport ($n processes): $problem"
            }
            stopAll
        }
        if {$problem eq ""} {
            lappend samples(1) $rate(1)
            lappend samples(2) $rate(2)
            lappend samples(factor) [expr {$rate(2) / $rate(1)}]
        }
    }
    foreach {k name unit} {1 reuseport-1p requests/s 2 reuseport-2p requests/s factor reuseport-2p/1p x} {
        report $name $unit [list ours $samples($k) tcltls {}] [list ours $problem tcltls "no shared ticket keys"]
    }
}
