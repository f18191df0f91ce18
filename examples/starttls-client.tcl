#!/usr/bin/env tclsh
# STARTTLS: start in plain text, then upgrade the same socket to TLS with
# tls::import. Here with SMTP (RFC 3207): greet, ask for STARTTLS, switch
# to TLS, greet again, send one short message, quit.
#
#   tclsh starttls-client.tcl HOST PORT CAFILE FROM TO
#
# Prints the TLS session (protocol, cipher, server certificate) and each
# server reply; exits 1 if anything fails.
package require tls

lassign $argv host port cafile from to
if {$to eq ""} {
    puts stderr "usage: tclsh starttls-client.tcl HOST PORT CAFILE FROM TO"
    exit 2
}

# One SMTP command and its (possibly multi-line) reply; errors unless the
# reply code is the expected one. Returns the reply's lines.
proc smtp {chan command expected} {
    if {$command ne ""} {
        puts $chan $command
        flush $chan
    }
    set lines {}
    while 1 {
        if {[gets $chan line] < 0} {
            error "connection closed by the server"
        }
        puts "S: $line"
        lappend lines $line
        # "250-..." continues, "250 ..." is the last line.
        if {[string index $line 3] ne "-"} break
    }
    if {[string range $line 0 2] ne $expected} {
        error "expected $expected after \"$command\", got: $line"
    }
    return $lines
}

if {[catch {
    # A plain socket (blocking, for a simple script), SMTP lines end in CRLF.
    set chan [socket $host $port]
    fconfigure $chan -translation {auto crlf} -buffering none
    smtp $chan "" 220
    set features [smtp $chan "EHLO client.example" 250]
    if {![string match *STARTTLS* $features]} {
        error "the server does not offer STARTTLS"
    }
    smtp $chan STARTTLS 220

    # The upgrade: TLS on the connected socket. A client verifies the
    # server by default; -servername is the name its certificate must carry
    # (and the SNI sent), -cafile the CA to trust.
    tls::import $chan -cafile $cafile -servername $host
    tls::handshake $chan
    set status [tls::status $chan]
    puts "TLS: [dict get $status protocol] [dict get $status cipher]"
    puts "server certificate: [dict get $status subject]"

    # After STARTTLS the client must greet again (earlier replies are void).
    smtp $chan "EHLO client.example" 250
    smtp $chan "MAIL FROM:<$from>" 250
    smtp $chan "RCPT TO:<$to>" 250
    smtp $chan DATA 354
    puts $chan "From: <$from>\nTo: <$to>\nSubject: sent after STARTTLS\n"
    puts $chan "This message went over [dict get $status protocol]."
    smtp $chan . 250
    smtp $chan QUIT 221
    close $chan
} message]} {
    puts stderr "error: $message"
    exit 1
}
