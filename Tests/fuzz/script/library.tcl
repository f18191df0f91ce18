# The procs every interpreter of the script fuzzer that holds a channel
# needs (driver.tcl's main interpreter, its children and threads, and
# peer-server.tcl): random choices, random options, the callbacks and the
# actions they take. Expects pki, and the variables blockingOk and avoid.
proc pick {items} { lindex $items [expr {int(rand() * [llength $items])}] }
proc chance {p} { expr {rand() < $p} }
proc note {args} { puts "  [join $args]" }

# n random bytes.
proc randomBytes {n} {
    binary format c* [lmap i [lrepeat $n 0] {expr {int(rand() * 256) - 128}}]
}

# Random data: text, binary, sometimes big enough to span TLS records.
proc data {} {
    switch [pick {line line bin big}] {
        line { return "hello [expr {int(rand() * 1e6)}]\n" }
        bin { return [randomBytes [expr {1 + int(rand() * 64)}]] }
        big { return [string repeat "0123456789abcdef" [expr {1 + int(rand() * 4096)}]] }
    }
}

# One thing a script may do to a channel; errors are part of the game.
proc act {chan {where main}} {
    set a [pick {none none puts flush read gets fconfigure fconfigure status connection
                 handshake closewrite closeread close unimport fileevent later update error}]
    note "$where: $a $chan"
    switch $a {
        none {}
        puts { catch {puts -nonewline $chan [data]} }
        flush { catch {flush $chan} }
        read { if {![blocking $chan]} { catch {read $chan [expr {1 + int(rand() * 70000)}]} } }
        gets { if {![blocking $chan]} { catch {gets $chan} } }
        fconfigure { catch {fconfigure $chan {*}[randomConfig]} }
        status { catch {tls::status $chan}; catch {tls::status -local $chan} }
        connection { catch {tls::connection $chan} }
        handshake { if {![blocking $chan]} { catch {tls::handshake $chan} } }
        closewrite - closeread - close {
            # Closes inside callbacks after a half-close: findings/003 while it stands.
            if {[string match step* $where] || "callback-close" ni $::avoid} {
                catch {close $chan {*}[dict get {closewrite write closeread read close {}} $a]}
            }
        }
        unimport {
            # Callbacks that close the channel during an unimport: findings/002 while it stands.
            if {"unimport" ni $::avoid} { catch {tls::unimport $chan} }
        }
        fileevent { catch {fileevent $chan [pick {readable writable}] [pick [list {} [list onEvent $chan]]]} }
        later { after [pick {0 0 1 5}] [list act $chan later] }
        update {
            # A nested event loop inside a callback: findings/001 (a livelock) while it stands.
            if {[chance 0.3] && !(![string match step* $where] && "callback-update" in $::avoid)} { catch {update} }
        }
        error { error "fuzz: a script error in $where" }
    }
}

# A blocking read could wait for ever on a quiet peer: reads are only done non-blocking.
proc blocking {chan} { expr {[catch {fconfigure $chan -blocking} b] || $b} }

proc randomConfig {} {
    set c {}
    # Blocking only where the peer always answers (see the driver).
    if {[chance 0.3]} { lappend c -blocking [expr {$::blockingOk && [chance 0.3]}] }
    if {[chance 0.3]} { lappend c -buffering [pick {none line full}] }
    if {[chance 0.3]} { lappend c -translation [pick {auto binary lf crlf {binary lf} {crlf binary}}] }
    if {[chance 0.3]} { lappend c -encoding [pick {utf-8 binary iso8859-1 ascii}] }
    if {[chance 0.1]} { lappend c -buffersize [pick {1 10 4096 1000000}] }
    return $c
}

proc onEvent {chan} {
    if {[catch {eof $chan} e] || $e} { catch {close $chan}; return }
    act $chan fileevent
    if {[chance 0.5] && ![blocking $chan]} { catch {read $chan} }
}

# -command: info, error, session, message ...
proc onCommand {kind args} {
    set chan [lindex $args 0]
    if {[chance 0.4]} { act $chan "command $kind" }
    if {[chance 0.05]} { error "fuzz: -command fails" }
}

# -validatecommand: verify, hello, sni, alpn; the answer is random too.
proc onValidate {kind chan args} {
    if {[chance 0.4]} { act $chan "validate $kind" }
    if {$kind eq "verify" && [lindex $args 2] && [chance 0.8]} { return 1 }
    return [pick {1 1 1 1 0 2 bogus}]
}

proc onPassword {args} {
    if {[chance 0.1]} { error "fuzz: no password" }
    return [pick {secret secret secret wrong}]
}

# Random tls::import options, for a client or a server.
proc tlsOptions {server} {
    set o {}
    if {$server} {
        if {[chance 0.3]} {
            lappend o -certfile [pki server.pem] -keyfile [pki encrypted.key] -password onPassword
        } else {
            lappend o -certfile [pki server.pem] -keyfile [pki server.key]
        }
        if {[chance 0.3]} { lappend o -request 1 -require [chance 0.3] -cafile [pki ca.pem] }
    } else {
        lappend o -cafile [pki ca.pem] -servername [pick {localhost localhost wrong.example 127.0.0.1}]
        if {[chance 0.3]} { lappend o -certfile [pki client.pem] -keyfile [pki client.key] }
        if {[chance 0.3]} { lappend o -request 0 }
    }
    # A session id context (server) or a session to resume (client) that is
    # not one: decoding refuses it, or the server ignores it.
    if {[chance 0.1]} { lappend o -session_id [randomBytes [expr {int(rand() * 100)}]] }
    if {[chance 0.6]} { lappend o -command onCommand }
    if {[chance 0.5]} { lappend o -validatecommand onValidate }
    if {[chance 0.3]} { lappend o -alpn [pick {h2 {h2 http/1.1} http/1.1 x}] }
    if {[chance 0.2]} { lappend o -tls1.3 0 }
    if {[chance 0.1]} { lappend o -tls1.2 0 }
    if {[chance 0.1]} { lappend o -cipher [pick {ECDHE-RSA-AES128-GCM-SHA256 HIGH DEFAULT}] }
    return $o
}
