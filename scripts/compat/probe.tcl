# probe.tcl IMPL PKIDIR ?LIBDIR?: runs the differential harness's scenarios
# against one implementation of the tls package in this tclsh and prints the
# results as one Tcl dict, scenario name -> result. IMPL is `ours` (LIBDIR is
# the build directory), `2.0.1` (LIBDIR holds tls2.0.1/) or `1.7.22` (the
# system's). run.tcl runs this once per implementation and Tcl version, each in
# its own process, and compares the dicts.
#
# A result is a dict (tls::status, tls::connection: key -> value, volatile
# values replaced by their form), or {ok value} / {error message errorCode}
# for a command, or a list of callback argument lists. Channel names, ports
# and the PKI's path are replaced by CHAN, PORT and PKI, so that results of
# different processes compare.
lassign $argv impl pkidir libdir
switch -- $impl {
    ours {
        set auto_path [linsert $auto_path 0 $libdir]
        package require -exact tls 2.1.0
    }
    2.0.1 {
        set auto_path [linsert $auto_path 0 $libdir]
        package require -exact tls 2.0.1
    }
    1.7.22 {
        package require -exact tls 1.7.22
    }
    default {
        error "unknown implementation \"$impl\": must be ours, 2.0.1 or 1.7.22"
    }
}

set results [dict create]
# Bound of one scenario's wait, in ms.
set timeout 5000

proc pki {name} {
    return [file join $::pkidir $name]
}

# The text of a result with names that differ between runs replaced.
proc normalize {text} {
    set text [string map [list $::pkidir PKI] $text]
    regsub -all {\m(sock|file)[0-9a-f]+\M} $text CHAN text
    regsub -all {127\.0\.0\.1:[0-9]+} $text 127.0.0.1:PORT text
    return $text
}

# Keys whose values change from run to run: compared by form only.
set volatile {start_time session_id master_key session_ticket ticket_app_data session
    session_context signatureValue time-out timeout lifetime}
set cert {}

# A value's form: empty, an integer, or bytes.
proc form {value} {
    if {$value eq ""} {
        return <empty>
    }
    if {[string is integer -strict $value]} {
        return <integer>
    }
    return <bytes>
}

proc normalizeDict {d} {
    set out [dict create]
    foreach {key value} $d {
        if {$key in $::volatile} {
            set value [form $value]
        }
        dict set out $key [normalize $value]
    }
    return $out
}

proc record {name value} {
    dict set ::results $name $value
}

# Runs script at global level: {ok result} or {error message errorCode}.
proc try {script} {
    if {[catch {uplevel #0 $script} result options]} {
        return [list error [normalize $result] [normalize [dict get $options -errorcode]]]
    }
    return [list ok [normalize $result]]
}

proc tryRecord {name script} {
    record $name [try $script]
}

# --- Callbacks: every call's arguments, in order -------------------------
set calls {}
proc callback {tag args} {
    # The verify callback's certificate is a dict: compared as the last one
    # seen ($::cert, recorded as a scenario of its own).
    if {[lindex $args 0] eq "verify" && [llength $args] >= 4} {
        set ::cert [normalizeDict [lindex $args 3]]
        lset args 3 CERT
    }
    # A trace message: its first line (the rest holds random bytes).
    if {[lindex $args 0] eq "message" && [llength $args] >= 6} {
        regsub -all {[0-9]+} [lindex [split [string trim [lindex $args 5]] \n] 0] N line
        lset args 5 $line
    }
    if {[lindex $args 0] eq "hello" && [llength $args] >= 4} {
        lset args 3 [form [lindex $args 3]]
    }
    if {[lindex $args 0] in {session}} {
        set args [list [lindex $args 0] [lindex $args 1] {*}[lmap v [lrange $args 2 end] {form $v}]]
    }
    lappend ::calls [list $tag {*}[normalize $args]]
    if {[lindex $args 0] in {verify hello sni alpn}} {
        return 1
    }
    if {$tag eq "password"} {
        return secret
    }
    return
}

# Background errors (a callback's error, a failed accept) count as calls.
# One ends the connection being made: a failed accept leaves the client waiting.
proc bgerror {message} {
    lappend ::calls [list bgerror [normalize $message]]
    set ::state(bgerror) $message
}

# --- One connection between a server and a client of this implementation --
# Options for each side, and an optional peer: `plain TEXT` is a plain TCP
# server that writes TEXT, `close` one that closes at once. Returns a dict:
# client, server (channels, or ""), cerr, serr (handshake errors as
# {message errorCode}).
proc pair {serverOptions clientOptions {peer {}}} {
    global state
    array unset state
    array set state {client {} server {} cerr {} serr {} cdone 0 sdone 0}
    if {$peer eq ""} {
        if {[catch {tls::socket -server ::accepted {*}$serverOptions -myaddr 127.0.0.1 0} listener options]} {
            return [dict create client {} server {} cerr {} serr [list [normalize $listener] [normalize [dict get $options -errorcode]]]]
        }
    } else {
        set listener [socket -server [list ::plainAccepted $peer] -myaddr 127.0.0.1 0]
        set state(sdone) 1
    }
    set port [lindex [fconfigure $listener -sockname] 2]
    if {[catch {tls::socket -async {*}$clientOptions 127.0.0.1 $port} chan options]} {
        close $listener
        return [dict create client {} server {} cerr [list [normalize $chan] [dict get $options -errorcode]] serr {}]
    }
    set state(client) $chan
    fconfigure $chan -blocking 0
    fileevent $chan writable [list ::drive client $chan]
    fileevent $chan readable [list ::drive client $chan]
    set id [after $::timeout {set ::state(timeout) 1}]
    while {!($state(cdone) && $state(sdone)) && ![info exists state(timeout)] && ![info exists state(bgerror)]} {
        vwait ::state
    }
    after cancel $id
    close $listener
    if {[info exists state(timeout)]} {
        set state(cerr) [list timeout {}]
    } elseif {[info exists state(bgerror)] && !$state(sdone)} {
        set state(serr) [list bgerror [normalize $state(bgerror)]]
    }
    return [dict create client $state(client) server $state(server) cerr $state(cerr) serr $state(serr)]
}

proc accepted {chan host port} {
    set ::state(server) $chan
    fconfigure $chan -blocking 0
    fileevent $chan readable [list ::drive server $chan]
}

proc plainAccepted {peer chan host port} {
    lassign $peer kind text
    if {$kind eq "close"} {
        close $chan
        return
    }
    fconfigure $chan -translation binary
    puts -nonewline $chan $text
    flush $chan
    after 500 [list catch [list close $chan]]
}

proc drive {side chan} {
    set done [expr {$side eq "client" ? "cdone" : "sdone"}]
    set err [expr {$side eq "client" ? "cerr" : "serr"}]
    if {[catch {tls::handshake $chan} result options]} {
        set ::state($err) [list [normalize $result] [normalize [dict get $options -errorcode]]]
        fileevent $chan readable {}
        fileevent $chan writable {}
        set ::state($done) 1
        return
    }
    if {$result} {
        fileevent $chan readable {}
        fileevent $chan writable {}
        set ::state($done) 1
    }
}

proc closePair {p} {
    foreach side {client server} {
        set chan [dict get $p $side]
        if {$chan ne ""} {
            catch {close $chan}
        }
    }
}

# The status/connection dicts of both sides of a connection.
proc recordPair {name p} {
    foreach side {client server} {
        set chan [dict get $p $side]
        if {$chan eq "" || [dict get $p [string index $side 0]err] ne ""} {
            continue
        }
        record $name/$side/status [normalizeDict [tls::status $chan]]
        record $name/$side/status-local [normalizeDict [tls::status -local $chan]]
        if {[info commands tls::connection] ne ""} {
            record $name/$side/connection [normalizeDict [tls::connection $chan]]
        }
    }
}

set server [list -certfile [pki server.pem] -keyfile [pki server.key]]
set trust [list -cafile [pki ca.pem]]
set client [list -certfile [pki client.pem] -keyfile [pki client.key]]

# --- status and connection ------------------------------------------------
set p [pair [list {*}$server {*}$trust -request 1 -require 1] [list {*}$trust {*}$client -request 1 -require 1 -servername localhost]]
recordPair rsa-clientcert $p
closePair $p

set p [pair [list {*}$server {*}$trust -request 1 -require 1 -tls1.3 0] [list {*}$trust {*}$client -request 1 -require 1 -servername localhost -tls1.3 0]]
recordPair rsa-tls1.2 $p
closePair $p

set p [pair $server [list {*}$trust -request 1 -require 1 -servername localhost]]
recordPair rsa-noclientcert $p
closePair $p

set p [pair $server [list -request 0 -require 0]]
recordPair rsa-noverify $p
closePair $p

foreach {name cert} {ec ec ed25519 ed25519} {
    set p [pair [list -certfile [pki $cert.pem] -keyfile [pki $cert.key]] [list {*}$trust -request 1 -require 1 -servername localhost]]
    recordPair $name $p
    closePair $p
}

# A chain: leaf and intermediate in the certificate file.
set calls {}
set p [pair [list -certfile [pki chain.pem] -keyfile [pki leaf.key]] \
    [list {*}$trust -request 1 -require 1 -servername localhost -validatecommand {callback vcmd}]]
recordPair chain $p
record chain/callbacks $calls
closePair $p

# --- callbacks -------------------------------------------------------------
set calls {}
set p [pair [list {*}$server -command {callback server}] \
    [list {*}$trust -request 1 -require 1 -servername localhost -command {callback client}]]
record callbacks/command [lsort -unique $calls]
closePair $p

set calls {}
set cert {}
set p [pair [list {*}$server {*}$trust -request 1 -require 1 -validatecommand {callback svcmd}] \
    [list {*}$trust {*}$client -request 1 -require 1 -servername localhost -validatecommand {callback cvcmd}]]
record callbacks/validatecommand $calls
if {$cert ne ""} {
    record callbacks/verify/cert $cert
}
closePair $p

set calls {}
set p [pair [list -certfile [pki server.pem] -keyfile [pki encrypted.key] -password {callback password}] \
    [list {*}$trust -request 1 -require 1 -servername localhost]]
record callbacks/password [list $calls [dict get $p cerr] [dict get $p serr]]
closePair $p

proc nullary {} {
    return secret
}
set p [pair [list -certfile [pki server.pem] -keyfile [pki encrypted.key] -password nullary] \
    [list {*}$trust -request 1 -require 1 -servername localhost]]
record password/no-arguments [list [dict get $p cerr] [dict get $p serr]]
closePair $p

proc failing {args} {
    error "no password today" {} {APP NOPASS}
}
set p [pair [list -certfile [pki server.pem] -keyfile [pki encrypted.key] -password failing] \
    [list {*}$trust -request 1 -require 1 -servername localhost]]
record password/error [list [dict get $p cerr] [dict get $p serr]]
closePair $p

set s [socket -server {apply {args {}}} -myaddr 127.0.0.1 0]
set port [lindex [fconfigure $s -sockname] 2]
set c [socket 127.0.0.1 $port]
tryRecord password/import-error [list tls::import $c -server 1 -certfile [pki server.pem] -keyfile [pki encrypted.key] -password failing]
catch {close $c}
set c [socket 127.0.0.1 $port]
tryRecord password/import-no-arguments [list apply {{c} {
    tls::import $c -server 1 -certfile [pki server.pem] -keyfile [pki encrypted.key] -password nullary
    return imported
}} $c]
catch {close $c}
close $s

# --- handshake failures ----------------------------------------------------
proc failure {name serverOptions clientOptions {peer {}}} {
    set p [pair $serverOptions $clientOptions $peer]
    record failure/$name [list client [dict get $p cerr] server [dict get $p serr]]
    closePair $p
}
failure untrusted $server [list -request 1 -require 1 -servername localhost -cafile [pki selfsigned.pem]]
failure hostname [list -certfile [pki wronghost.pem] -keyfile [pki wronghost.key]] [list {*}$trust -request 1 -require 1 -servername localhost]
failure expired [list -certfile [pki expired.pem] -keyfile [pki expired.key]] [list {*}$trust -request 1 -require 1 -servername localhost]
failure selfsigned [list -certfile [pki selfsigned.pem] -keyfile [pki selfsigned.key]] [list {*}$trust -request 1 -require 1 -servername localhost]
failure no-client-cert [list {*}$server {*}$trust -request 1 -require 1] [list {*}$trust -request 1 -require 1 -servername localhost]
failure protocol [list {*}$server -tls1.2 0 -tls1.3 1] [list {*}$trust -servername localhost -tls1.2 1 -tls1.3 0]
failure validate-reject $server [list {*}$trust -request 1 -require 1 -servername localhost -validatecommand {apply {args {expr {[lindex $args 0] ne "verify"}}}}]
# Decision callbacks that return nothing (a logging script).
proc silent {args} {
    return
}
proc silentButVerify {args} {
    return [expr {[lindex $args 0] eq "verify" ? 1 : ""}]
}
failure empty-answers [list {*}$server -validatecommand silentButVerify] [list {*}$trust -request 1 -require 1 -servername localhost]
failure empty-verify-answer $server [list {*}$trust -request 1 -require 1 -servername localhost -validatecommand silent]
failure not-tls {} [list {*}$trust -servername localhost] [list plain "HTTP/1.0 400 Bad Request\r\n\r\n"]
failure peer-closes {} [list {*}$trust -servername localhost] [list close]

# --- protocols ---------------------------------------------------------------
foreach {name options} {
    tls1-hole {-tls1 1}
    ssl3 {-ssl3 1}
    ssl2 {-ssl2 1}
    only-tls1.1 {-tls1 0 -tls1.1 1 -tls1.2 0 -tls1.3 0}
    none {-tls1.2 0 -tls1.3 0}
} {
    set p [pair $server [list {*}$trust -servername localhost {*}$options]]
    set r [list client [dict get $p cerr]]
    if {[dict get $p cerr] eq "" && [dict get $p client] ne ""} {
        # (1.7.22 names the protocol `version`.)
        set st [tls::status [dict get $p client]]
        lappend r protocol [dict get $st [expr {[dict exists $st protocol] ? "protocol" : "version"}]]
    }
    record protocols/$name $r
    closePair $p
}

# --- options and arguments ---------------------------------------------------
set s [socket -server {apply {args {}}} -myaddr 127.0.0.1 0]
set port [lindex [fconfigure $s -sockname] 2]
proc plainClient {} {
    return [socket 127.0.0.1 $::port]
}
foreach {name options} [list \
    bad-option {-foo 1} \
    missing-value {-cafile} \
    bad-boolean {-request maybe} \
    missing-cafile [list -cafile [pki nosuch.pem]] \
    missing-certfile [list -certfile [pki nosuch.pem]] \
    missing-keyfile [list -certfile [pki server.pem] -keyfile [pki nosuch.key]] \
    missing-cadir [list -cadir [pki nosuchdir]] \
    missing-dhparams [list -server 1 {*}$server -dhparams [pki nosuch.pem]] \
    bad-certfile [list -certfile [pki ca/index.txt]] \
    bad-cipher {-cipher NOSUCHCIPHER} \
    unreadable-certfile [list -certfile [pki ca]] \
] {
    set c [plainClient]
    tryRecord import/$name [list tls::import $c {*}$options]
    catch {close $c}
}
tryRecord import/no-args {tls::import}
tryRecord import/unknown-channel {tls::import nosuchchan}
foreach cmd {status connection handshake unimport} {
    if {[info commands tls::$cmd] eq ""} {
        continue
    }
    tryRecord $cmd/no-args [list tls::$cmd]
    tryRecord $cmd/too-many [list tls::$cmd a b c]
    tryRecord $cmd/unknown-channel [list tls::$cmd nosuchchan]
    set c [plainClient]
    tryRecord $cmd/not-tls [list tls::$cmd $c]
    close $c
    tryRecord $cmd/closed [list tls::$cmd $c]
}
set c [plainClient]
tls::import $c {*}$trust -servername localhost
tryRecord status/before-handshake [list tls::status $c]
if {[info commands tls::connection] ne ""} {
    # Keys only: the values of a connection not yet made are of no interest.
    record before-handshake/client/connection [dict map {key value} [tls::connection $c] {list}]
}
close $c
close $s
tryRecord socket/no-args {tls::socket}
tryRecord socket/bad-option {tls::socket -foo 1 localhost 443}
tryRecord socket/server-no-port {tls::socket -server accept}
tryRecord socket/refused {tls::socket 127.0.0.1 1}
tryRecord ciphers/bad-protocol {tls::ciphers nosuch}
tryRecord ciphers/too-many {tls::ciphers tls1.2 1 1 1}
tryRecord version/too-many {tls::version 1}
tryRecord protocols/too-many {tls::protocols 1}

# --- shapes ----------------------------------------------------------------
# A list's shape: its length class and the form of its first element.
proc shape {list} {
    set first [lindex $list 0]
    return [list [expr {[llength $list] > 0 ? "nonempty" : "empty"}] \
        words=[llength $first] [regsub -all {[0-9]+} [lindex $first 0] N]]
}
proc recordShape {name script} {
    if {[catch {uplevel #0 $script} result]} {
        record $name [list error [normalize $result]]
    } else {
        record $name [shape $result]
    }
}
recordShape shape/ciphers {tls::ciphers}
foreach proto {tls1.2 tls1.3} {
    recordShape shape/ciphers-$proto [list tls::ciphers $proto]
    # Verbose: a list of lines, or one string of lines (its list form is words).
    tryRecord shape/ciphers-$proto-verbose [list apply {{proto} {
        set v [tls::ciphers $proto 1]
        list words=[llength $v] lines=[llength [split [string trimright $v \n] \n]] \
            newline-at-end=[string equal [string index $v end] \n]
    }} $proto]
    recordShape shape/ciphers-$proto-supported [list tls::ciphers $proto 0 1]
}
tryRecord shape/protocols {tls::protocols}
tryRecord shape/version {regsub -all {[0-9]+} [tls::version] N}

puts $results
