#!/usr/bin/env tclsh
# A mutual-TLS server: every client must present a certificate issued by
# CAFILE's CA. The server greets the client by its certificate's common
# name, then echoes lines until the client closes.
#
#   tclsh mtls-server.tcl PORT CERTFILE KEYFILE CAFILE
#
# PORT 0 picks a free port; the one in use is printed as "listening on N".
package require tls

lassign $argv port certfile keyfile cafile
if {$cafile eq ""} {
    puts stderr "usage: tclsh mtls-server.tcl PORT CERTFILE KEYFILE CAFILE"
    exit 2
}

proc accept {chan host port} {
    fconfigure $chan -blocking 0 -buffering line
    # Drive the handshake from the event loop, so that a slow or failing
    # client does not block the others.
    fileevent $chan readable [list handshake $chan $host]
}

proc handshake {chan host} {
    if {[catch {tls::handshake $chan} done]} {
        # E.g. no certificate, or one from another CA.
        puts "rejected $host: $done"
        close $chan
        return
    }
    if {!$done} {
        return
    }
    # The verified client certificate's subject, e.g. "CN=alice,O=Example".
    set subject [dict get [tls::status $chan] subject]
    regexp {CN=([^,/]+)} $subject -> name
    puts "accepted $host: $subject"
    puts $chan "hello $name"
    fileevent $chan readable [list echo $chan]
}

proc echo {chan} {
    if {[catch {gets $chan line} n] || ($n < 0 && [eof $chan])} {
        close $chan
    } elseif {$n >= 0} {
        puts $chan $line
    }
}

# -require 1: a client without a valid certificate fails the handshake.
set server [tls::socket -server accept -certfile $certfile -keyfile $keyfile \
                -cafile $cafile -require 1 $port]
puts "listening on [lindex [fconfigure $server -sockname] 2]"
flush stdout
vwait forever
