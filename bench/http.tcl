# http.tcl: the load-generator workloads, sourced by bench.tcl (the driver's
# side: httpWorkloads) and by worker.tcl (the server role).
#
# A small event-driven HTTP/1.1 server in Tcl (keep-alive, a 13-byte answer
# to every request) runs under each implementation: ours, TclTLS 1.7.22
# (tcltls), TclTLS 2.0.1 (tcltls201, /opt/tcltls201, built by
# scripts/tcltls201.sh; left out when that exits 3), plain Tcl sockets
# (plain, no TLS); and nginx (Debian's nginx-light, one process, the same
# certificate and answer) is the C ceiling. `wrk` (OpenSSL client) drives each
# for BENCH_HTTP_SECONDS (5) seconds, the server pinned to one core and wrk
# to the other (taskset), the implementations alternated in each round:
#
#   http-keepalive-1     1 connection, kept alive         requests/s
#   http-keepalive-50    50 connections, kept alive       requests/s
#   http-close-1         1 connection at a time, a new connection (full
#                        handshake) per request (-H 'Connection: close')
#   http-close-50        50 at a time, a new connection per request
#
# One line per workload: medians of each implementation and the ratios of
# ours to nginx and to TclTLS 1.7.22:
#
#   bench NAME ours X nginx N tcltls Y tcltls201 Z plain P nginx12 M ours9 Q ours/nginx R ours/tcltls R ours9/nginx R requests/s
#
# (ours9: our package with the server under Tcl 9, when TCLSH9 names one.
# nginx speaks TLS 1.3, as ours does; nginx12 is nginx with its own default
# protocols, which stop at TLS 1.2: there wrk's returning connections resume
# with no key exchange at all, for reference only.)
#
#   http-server  [plain 1]  -> port P  (worker side)

namespace eval http {
    variable body "Hello, world\n"
    variable response "HTTP/1.1 200 OK\r\nServer: tcl\r\nContent-Type: text/plain\r\nContent-Length: [string length $body]\r\n\r\n$body"
    # ... the same answer, and the connection closed after it.
    variable closing "HTTP/1.1 200 OK\r\nServer: tcl\r\nContent-Type: text/plain\r\nContent-Length: [string length $body]\r\nConnection: close\r\n\r\n$body"
}

# ------------------------------------------------------------- driver side

proc httpImplementations {} {
    set impls {ours nginx tcltls}
    if {[catch {exec sh [file join $::here .. scripts tcltls201.sh] 2>@1} out]} {
        if {[lindex $::errorCode 0] eq "CHILDSTATUS" && [lindex $::errorCode 2] == 3} {
            log "http: no TclTLS 2.0.1 (scripts/tcltls201.sh: no source tarball)"
        } else {
            log "http: TclTLS 2.0.1 not built: $out"
        }
    } else {
        set ::tcltls201Dir [lindex [split [string trim $out] \n] end]
        lappend impls tcltls201
    }
    lappend impls plain nginx12
    # Ours again with the server under Tcl 9 (epoll notifier, no notifier
    # thread): what the same script gets from a newer Tcl.
    set tclsh9 [setting TCLSH9 ""]
    if {$tclsh9 ne "" && [file executable $tclsh9]} {
        set ::httpTclsh9 $tclsh9
        lappend impls ours9
    }
    return $impls
}

# nginx, one process in the foreground, with its own prefix and
# configuration in the scratch directory; returns the channel of its pipe.
proc startNginx {port {protocols "TLSv1.2 TLSv1.3"}} {
    set prefix [file join $::work nginx]
    file mkdir $prefix [file join $prefix logs]
    set conf [file join $prefix nginx.conf]
    set f [open $conf w]
    puts $f [string map [list @PREFIX@ $prefix @PORT@ $port @BODY@ [string trimright $::http::body \n] @PROTOCOLS@ $protocols \
        @CERT@ [file join $::pki server.pem] @KEY@ [file join $::pki server.key]] {
daemon off;
master_process off;
worker_processes 1;
pid @PREFIX@/nginx.pid;
error_log @PREFIX@/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path @PREFIX@/body;
    proxy_temp_path @PREFIX@/proxy;
    fastcgi_temp_path @PREFIX@/fastcgi;
    uwsgi_temp_path @PREFIX@/uwsgi;
    scgi_temp_path @PREFIX@/scgi;
    keepalive_requests 100000000;
    server {
        listen 127.0.0.1:@PORT@ ssl;
        ssl_certificate @CERT@;
        ssl_certificate_key @KEY@;
        # nginx 1.22's default stops at TLS 1.2, where a returning client
        # (wrk keeps its session) resumes with no key exchange at all; ours
        # negotiates TLS 1.3 (resumption with a fresh X25519 exchange, and
        # a new ticket). The same protocol on both sides, as for memory.
        ssl_protocols @PROTOCOLS@;
        default_type text/plain;
        location / { return 200 "@BODY@\n"; }
    }
}}]
    close $f
    set chan [spawnCommand [list taskset -c 0 nginx -p $prefix -c $conf] 2>@stderr]
    # Ready when the port answers.
    for {set i 0} {$i < 100} {incr i} {
        if {![catch {socket 127.0.0.1 $port} s]} {
            close $s
            return $chan
        }
        after 50
    }
    error "nginx did not start on port $port"
}

# The server of one implementation on core 0; returns its port.
proc startHttpServer {impl} {
    if {$impl in {nginx nginx12}} {
        set port [freePort]
        startNginx $port [expr {$impl eq "nginx" ? "TLSv1.2 TLSv1.3" : "TLSv1 TLSv1.1 TLSv1.2"}]
        return $port
    }
    set tclsh $::tclsh
    switch -- $impl {
        plain {set load [list version $::tcltlsVersion plain 1]}
        ours9 {set load [list version [implVersion ours] libdir [implLibdir ours]]; set tclsh $::httpTclsh9}
        tcltls201 {set load [list version 2.0.1 libdir $::tcltls201Dir]}
        default {set load [list version [implVersion $impl] libdir [implLibdir $impl]]}
    }
    set server [spawnCommand [list taskset -c 0 $tclsh [file join $::here worker.tcl] role http-server {*}$load \
        cert [file join $::pki server.pem] key [file join $::pki server.key]]]
    serverPort $server
}

# wrk on core 1 for the workload's connections; returns requests/s.
proc wrkRun {scheme port connections close seconds} {
    set command [list taskset -c 1 wrk -t1 -c$connections -d${seconds}s --timeout 5s]
    if {$close} {
        lappend command -H {Connection: close}
    }
    set out [exec {*}$command $scheme://127.0.0.1:$port/ 2>@1]
    if {![regexp -line {^Requests/sec:\s+([0-9.]+)} $out -> rate]} {
        error "wrk: $out"
    }
    foreach pattern {{Socket errors:[^\n]*} {Non-2xx or 3xx responses:[^\n]*}} {
        if {[regexp $pattern $out problem]} {
            log "http: wrk -c$connections[expr {$close ? " close" : ""}]: $problem"
        }
    }
    return $rate
}

proc httpTrial {connections close impl} {
    set port [startHttpServer $impl]
    set scheme [expr {$impl eq "plain" ? "http" : "https"}]
    # A moment for the first connection's one-time costs, untimed.
    wrkRun $scheme $port 1 0 1
    wrkRun $scheme $port $connections $close $::httpSeconds
}

proc httpReport {name unit impls samplesList problemList} {
    array set samples $samplesList
    array set problem $problemList
    set line "bench $name"
    foreach impl $impls {
        set m($impl) [expr {$problem($impl) eq "" ? [median $samples($impl)] : ""}]
        append line " $impl [number $m($impl) $unit]"
    }
    foreach {mine other} {ours nginx ours tcltls ours9 nginx} {
        if {![info exists m($mine)]} continue
        set ratio n/a
        if {[info exists m($other)] && $m($mine) ne "" && $m($other) ne "" && $m($other) != 0} {
            set ratio [format %.2f [expr {double($m($mine)) / $m($other)}]]
        }
        append line " $mine/$other $ratio"
    }
    puts "$line $unit"
    flush stdout
    set shown {}
    foreach impl $impls {
        lappend shown $impl [lmap value $samples($impl) {format %.0f $value}]
    }
    log "$name samples: $shown"
}

proc httpWorkloads {} {
    if {![llength [lmap name {http-keepalive-1 http-keepalive-50 http-close-1 http-close-50} {
        expr {[selected $name] ? 1 : [continue]}
    }]]} {
        return
    }
    foreach tool {wrk nginx taskset} {
        if {[auto_execok $tool] eq "" && ![file executable /usr/sbin/$tool]} {
            puts "bench http n/a: no $tool"
            return
        }
    }
    set ::httpSeconds [setting BENCH_HTTP_SECONDS [expr {$::quick ? 1 : 5}]]
    set impls [httpImplementations]
    foreach {name connections close} {
        http-keepalive-1 1 0  http-keepalive-50 50 0  http-close-1 1 1  http-close-50 50 1
    } {
        workload $name requests/s $impls [list httpTrial $connections $close] httpReport
    }
}

# ------------------------------------------------------------- worker side

proc http-server {} {
    listen httpAccept
    watchStdin
    vwait forever
}
proc httpAccept {chan addr port} {
    fconfigure $chan -blocking 0 -translation binary -buffering full
    set ::httpClose($chan) 0
    fileevent $chan readable [list httpRead $chan]
}
# Every complete request read in this event is answered, in one flush.
proc httpRead {chan} {
    while 1 {
        if {[catch {gets $chan line} n]} {
            httpDone $chan
            return
        }
        if {$n < 0} {
            if {[eof $chan] || [catch {flush $chan}]} {
                httpDone $chan
            }
            return
        }
        if {$line eq "\r"} {
            if {$::httpClose($chan)} {
                catch {puts -nonewline $chan $::http::closing}
                httpDone $chan
                return
            }
            puts -nonewline $chan $::http::response
        } elseif {[string match -nocase "connection: close*" $line]} {
            set ::httpClose($chan) 1
        }
    }
}
proc httpDone {chan} {
    unset -nocomplain ::httpClose($chan)
    catch {close $chan}
}
