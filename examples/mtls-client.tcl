#!/usr/bin/env tclsh
# A mutual-TLS client: presents its own certificate, verifies the server's,
# reads the server's greeting, sends one line and prints the reply.
#
#   tclsh mtls-client.tcl HOST PORT CERTFILE KEYFILE CAFILE ?LINE?
#
# Exits 1 if the connection or either verification fails.
package require tls

lassign $argv host port certfile keyfile cafile line
if {$cafile eq ""} {
    puts stderr "usage: tclsh mtls-client.tcl HOST PORT CERTFILE KEYFILE CAFILE ?LINE?"
    exit 2
}
if {$line eq ""} {
    set line "ping"
}

if {[catch {
    # -certfile/-keyfile: our certificate, sent when the server asks for
    # one. The server's is checked against CAFILE and against HOST.
    set chan [tls::socket -certfile $certfile -keyfile $keyfile -cafile $cafile \
                  $host $port]
    fconfigure $chan -buffering line
    tls::handshake $chan
    puts "server: [dict get [tls::status $chan] subject]"
    # The server's first line (TLS 1.3 servers reject a client certificate
    # only after the handshake, so a refusal shows up on this read).
    if {[gets $chan greeting] < 0} {
        error "the server closed the connection"
    }
    puts "greeting: $greeting"
    puts $chan $line
    gets $chan reply
    puts "reply: $reply"
    close $chan
} message]} {
    puts stderr "error: $message"
    exit 1
}
