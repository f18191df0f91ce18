#!/usr/bin/env tclsh
# A small event-driven HTTPS server: answers every GET or HEAD with a line
# naming the path and the TLS protocol in use.
#
#   tclsh https-server.tcl PORT CERTFILE KEYFILE
#
# PORT 0 picks a free port; the one in use is printed as "listening on N".
package require tls

lassign $argv port certfile keyfile
if {$keyfile eq ""} {
    puts stderr "usage: tclsh https-server.tcl PORT CERTFILE KEYFILE"
    exit 2
}

# Called for each connection, with the TLS layer already on the socket; the
# handshake itself happens on the first read, from the event loop.
proc accept {chan host port} {
    fconfigure $chan -blocking 0 -buffering full -translation {auto crlf}
    fileevent $chan readable [list readRequest $chan {}]
}

# Collects the request line and headers (up to the empty line).
proc readRequest {chan request} {
    if {[catch {gets $chan line} n]} {
        # A failed handshake or a reset: nothing to answer.
        puts stderr "connection error: $n"
        catch {close $chan}
        return
    }
    if {$n < 0} {
        if {[eof $chan]} {
            close $chan
        }
        return
    }
    if {$line ne ""} {
        lappend request $line
        fileevent $chan readable [list readRequest $chan $request]
        return
    }
    if {[catch {respond $chan [lindex $request 0]} message]} {
        puts stderr "connection error: $message"
        catch {close $chan}
    }
}

proc respond {chan requestLine} {
    lassign $requestLine method path
    set protocol [dict get [tls::status $chan] protocol]
    set body "hello from Tcl over $protocol, you asked for $path\n"
    if {$method ni {GET HEAD}} {
        set status "405 Method Not Allowed"
        set body "only GET and HEAD\n"
    } else {
        set status "200 OK"
    }
    set body [encoding convertto utf-8 $body]
    puts $chan "HTTP/1.1 $status"
    puts $chan "Content-Type: text/plain; charset=utf-8"
    puts $chan "Content-Length: [string length $body]"
    puts $chan "Connection: close"
    puts $chan ""
    if {$method ne "HEAD"} {
        fconfigure $chan -translation binary
        puts -nonewline $chan $body
    }
    # close flushes what is buffered, then sends TLS close_notify.
    close $chan
}

set server [tls::socket -server accept -certfile $certfile -keyfile $keyfile $port]
puts "listening on [lindex [fconfigure $server -sockname] 2]"
flush stdout
vwait forever
