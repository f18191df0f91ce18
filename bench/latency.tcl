# latency.tcl: the request-latency workload, sourced by bench.tcl (the
# driver's side: latencyWorkload) and by worker.tcl (the two roles).
#
# One kept-alive connection; each request is written as an HTTP POST is by
# Tcl's http package, in two flushes (headers, then a 512-byte body), and
# answered with one write. The client times `count` requests (after one
# untimed) and reports ms per request. Without TCP_NODELAY the body waits in
# Nagle's algorithm for the ACK of the headers, which the server delays by
# 40 ms. Ours and TclTLS alternate as in every workload; then the same over
# plain Tcl sockets (Tcl 8.6's socket cannot set TCP_NODELAY), printed as
#
#     reference tcl-socket-request-latency X ms
#
#   latency-server                    -> port P
#   latency-client  port P  count N   -> result MS-PER-REQUEST

namespace eval latency {
    variable headers "POST /submit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: 512\r\n\r\n"
    variable body [string repeat "0123456789abcdef" 32]
    variable response "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
}

# ------------------------------------------------------------- driver side

proc latencyTrial {impl} {
    set count [expr {$::quick ? 10 : 200}]
    set server [spawn $impl latency-server]
    set port [serverPort $server]
    set client [spawn $impl latency-client port $port count $count]
    # TclTLS and plain sockets: about 40 ms per request.
    lindex [expect $client result [expr {60000 + $count * 200}]] 1
}

proc latencyWorkload {} {
    if {![selected request-latency]} {
        return
    }
    workload request-latency ms {ours tcltls} latencyTrial
    set samples {}
    for {set p 0} {$p < $::pairs} {incr p} {
        if {[catch {latencyTrial plain} value]} {
            log "request-latency plain: $value"
            break
        }
        lappend samples $value
        stopAll
    }
    stopAll
    log "request-latency plain samples: {$samples}"
    if {[llength $samples]} {
        puts [format "reference tcl-socket-request-latency %.2f ms" [median $samples]]
        flush stdout
    }
}

# ------------------------------------------------------------- worker side

proc latency-server {} {
    set chan [acceptOne]
    fconfigure $chan -translation binary
    handshakeUnlessPlain $chan
    # Each request: header lines up to the empty one, then Content-Length bytes.
    while {[gets $chan line] >= 0} {
        set length 0
        while {$line ne "\r"} {
            regexp {^Content-Length: (\d+)} $line -> length
            if {[gets $chan line] < 0} {
                fail "EOF inside a request's headers"
            }
        }
        if {[string length [read $chan $length]] != $length} {
            fail "EOF inside a request's body"
        }
        puts -nonewline $chan $::latency::response
        flush $chan
    }
    close $chan
}

proc latency-client {} {
    set chan [connectOne]
    fconfigure $chan -translation binary
    handshakeUnlessPlain $chan
    set count [opt count]
    latencyRequest $chan
    set start [clock microseconds]
    for {set i 0} {$i < $count} {incr i} {
        latencyRequest $chan
    }
    set end [clock microseconds]
    close $chan
    report result [format %.3f [expr {($end - $start) / 1000.0 / $count}]]
}

proc latencyRequest {chan} {
    puts -nonewline $chan $::latency::headers
    flush $chan
    puts -nonewline $chan $::latency::body
    flush $chan
    set expected $::latency::response
    set answer [read $chan [string length $expected]]
    if {$answer ne $expected} {
        fail "server answered \"$answer\""
    }
}
