# worker.tcl: one side of one benchmark workload, in its own tclsh process.
# bench.tcl starts it as
#
#     tclsh worker.tcl role ROLE version V ?libdir DIR? ?key value ...?
#
# loads exactly tls V (DIR first on auto_path), and talks to bench.tcl in
# lines: results and progress on stdout, commands on stdin. Every worker exits
# when its stdin closes, so none outlives the driver. Roles:
#
#   bulk-server  mode send|recv  bytes N  chunk N  settings big|default|binary
#   bulk-client  port P  (same keys)          -> result MB/s
#   hs-server    mode close|hold|echo         -> port P; answers "stats"
#   hs-client    port P  mode verify|resume  count N  bundle F
#                                             -> result handshakes/s | na WHY
#   mem-client   port P  count N              -> warm, (close) closed,
#                                                (go) held N
#   echo-client  port P  count N  size N  first I
#                                             -> ready, (go) done OK FAILED
#
# With "plain 1" the bulk roles use plain Tcl sockets (the reference ceiling).
#
# Servers use cert/key; clients that do not verify pass -request 0 -require 0,
# servers -request 0, so both packages run the same protocol exchange (TclTLS
# 1.7 requests certificates by default, 2.x verifies by default).

set opts [dict create libdir "" resume auto plain 0 {*}$argv]
proc opt {name} {dict get $::opts $name}

if {[opt libdir] ne ""} {
    set auto_path [linsert $auto_path 0 [opt libdir]]
}
package require -exact tls [opt version]

fconfigure stdout -buffering line
proc report {args} {puts stdout [join $args]}

# Errors end the worker with a line bench.tcl recognises.
proc fail {message} {
    report error [string map {\n " "} $message]
    exit 1
}

proc serverOptions {} {
    list -request 0 -certfile [opt cert] -keyfile [opt key]
}
proc noVerifyOptions {} {
    list -request 0 -require 0
}

# Listens on 127.0.0.1, an ephemeral port, and reports it.
proc listen {command} {
    if {[opt plain]} {
        set server [socket -server $command -myaddr 127.0.0.1 0]
        report port [lindex [fconfigure $server -sockname] 2]
        return $server
    }
    set server [tls::socket -server $command {*}[serverOptions] -myaddr 127.0.0.1 0]
    report port [lindex [fconfigure $server -sockname] 2]
    return $server
}

# The one connection of a bulk or latency trial: accepted on a listening
# socket that is closed at once (server), or made to it (client, not
# verifying); blocking, and with TLS, its handshake done.
proc acceptOne {} {
    set server [listen {apply {{chan addr port} {set ::conn $chan}}}]
    vwait ::conn
    close $server
    fconfigure $::conn -blocking 1
    return $::conn
}
proc connectOne {} {
    if {[opt plain]} {
        return [socket 127.0.0.1 [opt port]]
    }
    return [tls::socket {*}[noVerifyOptions] 127.0.0.1 [opt port]]
}
proc handshakeUnlessPlain {chan} {
    if {![opt plain]} {
        tls::handshake $chan
    }
}

# Workers exit when bench.tcl goes away; servers also answer commands.
proc watchStdin {} {
    fileevent stdin readable {
        if {[gets stdin line] < 0} {
            if {[eof stdin]} {exit 0}
            return
        }
        command $line
    }
}
proc command {line} {
    switch -- $line {
        stats {report stats $::handshakes $::closed $::failed $::bgerrors}
        quit {exit 0}
    }
}

# ---------------------------------------------------------------- bulk

# Channel settings: big is -translation binary -buffersize 65536, binary only
# -translation binary, default none at all. Binary channels get pieces of
# random bytes (a byte array, so that no encoding applies), default channels
# ASCII text (no newlines, which the default translation would change).
proc bulkSetup {chan} {
    switch -- [opt settings] {
        big {fconfigure $chan -translation binary -buffersize 65536}
        binary {fconfigure $chan -translation binary}
    }
}
proc bulkData {} {
    set chunk [opt chunk]
    if {[opt settings] ne "default"} {
        expr {srand(1)}
        set words {}
        for {set i 0} {$i < $chunk / 4} {incr i} {
            lappend words [expr {int(rand() * 4294967296.0) - 2147483648}]
        }
        return [binary format i* $words]
    }
    set text "The quick brown fox jumps over the lazy dog 0123456789. "
    return [string range [string repeat $text [expr {$chunk / [string length $text] + 1}]] 0 $chunk-1]
}

proc readBytes {chan total} {
    set chunk [opt chunk]
    set got 0
    while {$got < $total} {
        set data [read $chan [expr {min($chunk, $total - $got)}]]
        if {[string length $data] == 0 && [eof $chan]} {
            fail "EOF after $got of $total bytes"
        }
        incr got [string length $data]
    }
    return $got
}
proc writeBytes {chan total data} {
    for {set left $total} {$left > 0} {incr left -[string length $data]} {
        puts -nonewline $chan $data
    }
    flush $chan
}

proc bulk-server {} {
    set chan [acceptOne]
    bulkSetup $chan
    handshakeUnlessPlain $chan
    set bytes [opt bytes]
    if {[opt mode] eq "send"} {
        set got [readBytes $chan $bytes]
        puts $chan "ok $got"
        flush $chan
    } else {
        if {[gets $chan line] < 0 || $line ne "go"} {
            fail "expected go, got \"$line\""
        }
        writeBytes $chan $bytes [bulkData]
    }
    # Until the client closes.
    while {![eof $chan]} {
        read $chan
    }
    close $chan
}

proc bulk-client {} {
    set chan [connectOne]
    bulkSetup $chan
    handshakeUnlessPlain $chan
    set data [bulkData]
    set bytes [opt bytes]
    if {[opt mode] eq "send"} {
        set start [clock microseconds]
        writeBytes $chan $bytes $data
        set line [gets $chan]
        set end [clock microseconds]
        if {$line ne "ok $bytes"} {
            fail "server answered \"$line\""
        }
    } else {
        puts $chan go
        flush $chan
        set start [clock microseconds]
        readBytes $chan $bytes
        set end [clock microseconds]
    }
    close $chan
    report result [format %.3f [expr {$bytes / double($end - $start)}]]
}

# ----------------------------------------------------- event-driven server

# Handshakes from the event loop, then closes the connection (close: the
# client reads to EOF, which also takes in TLS 1.3 session tickets), keeps it
# until the client closes (hold), or echoes everything back (echo). Counts for
# the "stats" command.
#
# (A server that wrote a greeting after its handshake would stall 40 ms in
# Nagle's algorithm and the client's delayed ACK, on every connection: the
# greeting is a second small write after the session tickets. A close, FIN
# included, goes out at once.)
set handshakes 0
set closed 0
set failed 0
# TclTLS 1.7 reports a peer's close as a background error; not our business.
interp bgerror {} {apply {args {incr ::bgerrors}}}
set bgerrors 0

proc accept {chan addr port} {
    fconfigure $chan -blocking 0 -translation binary
    fileevent $chan readable [list serverHandshake $chan]
}
proc serverHandshake {chan} {
    if {[catch {tls::handshake $chan} done]} {
        incr ::failed
        catch {close $chan}
        return
    }
    if {!$done} {
        return
    }
    incr ::handshakes
    switch -- [opt mode] {
        close {
            serverClose $chan
        }
        hold {
            fileevent $chan readable [list serverDrain $chan]
        }
        echo {
            fileevent $chan readable [list serverEcho $chan]
            # Data may have arrived with the client's last handshake flight.
            serverEcho $chan
        }
    }
}
proc serverDrain {chan} {
    if {[catch {read $chan}] || [eof $chan]} {
        serverClose $chan
    }
}
proc serverEcho {chan} {
    if {[catch {
        set data [read $chan]
        if {[string length $data]} {
            puts -nonewline $chan $data
            flush $chan
        }
    }]} {
        serverClose $chan
        return
    }
    if {[eof $chan]} {
        serverClose $chan
    }
}
proc serverClose {chan} {
    catch {close $chan}
    incr ::closed
}

proc hs-server {} {
    listen accept
    watchStdin
    vwait forever
}

# ---------------------------------------------------------- handshakes

# One connection: connect, handshake, read to the server's close (which also
# takes in TLS 1.3 session tickets). Returns the channel, still open. (TclTLS
# 1.7 closes without close_notify, which OpenSSL 3 reports as an error rather
# than EOF: either ends the connection.)
proc connection {options} {
    set chan [tls::socket {*}$options 127.0.0.1 [opt port]]
    tls::handshake $chan
    if {![catch {read $chan} data] && [string length $data]} {
        fail "server sent [string length $data] bytes"
    }
    return $chan
}
proc reused {chan} {
    dict get [tls::connection $chan] session_reused
}

proc hs-client {} {
    set options [list -request 1 -require 1 -cafile [opt bundle]]
    set count [opt count]
    if {[opt mode] eq "resume"} {
        if {[info commands ::tls::connection] eq ""} {
            report na "no tls::connection"
            return
        }
        # A full handshake whose session the timed connections resume: by
        # -session_id (the session from tls::connection) when the package
        # offers it, else by -model.
        set first [connection $options]
        set info [tls::connection $first]
        set how [opt resume]
        if {$how eq "auto"} {
            set how [expr {[dict exists $info session] && [string length [dict get $info session]]
                           ? "session_id" : "model"}]
        }
        if {$how eq "session_id"} {
            if {![dict exists $info session]} {
                report na "tls::connection has no session key"
                return
            }
            lappend options -session_id [dict get $info session]
            close $first
        } else {
            lappend options -model $first
        }
        set chan [connection $options]
        set ok [reused $chan]
        close $chan
        if {!$ok} {
            report na "session not reused (by $how)"
            return
        }
    } else {
        # Untimed, like the resumption's first connection: one-time start-up.
        close [connection $options]
    }
    set start [clock microseconds]
    for {set i 1} {$i < $count} {incr i} {
        close [connection $options]
    }
    set chan [connection $options]
    if {[opt mode] eq "resume" && ![reused $chan]} {
        close $chan
        report na "last session not reused"
        return
    }
    close $chan
    set end [clock microseconds]
    set how [expr {[opt mode] eq "resume" ? $how : "-"}]
    report result [format %.3f [expr {$count * 1e6 / ($end - $start)}]] $how
}

# ------------------------------------------------------------- memory

# One connection opened and, on "close", closed (the server's one-time
# start-up), then on "go" COUNT connections held open, idle, until stdin
# closes. (Whether the server completed its handshakes bench.tcl asks the
# server: a client closing right after its own handshake could cut the
# server's short.)
proc mem-client {} {
    set options [noVerifyOptions]
    set chan [tls::socket {*}$options 127.0.0.1 [opt port]]
    tls::handshake $chan
    report warm
    if {[gets stdin line] < 0} {
        exit 0
    }
    close $chan
    report closed
    if {[gets stdin line] < 0} {
        exit 0
    }
    set held {}
    for {set i 0} {$i < [opt count]} {incr i} {
        set chan [tls::socket {*}$options 127.0.0.1 [opt port]]
        tls::handshake $chan
        lappend held $chan
    }
    report held [llength $held]
    while {[gets stdin line] >= 0} {}
}

# -------------------------------------------------------- concurrent echo

# COUNT clients at once, each sends SIZE bytes of its own data (slices of one
# random block) and reads them back; the data's CRC-32 is checked.
proc echo-client {} {
    set size [opt size]
    set count [opt count]
    expr {srand(7 + [opt first])}
    set words {}
    for {set i 0} {$i < (1 << 20) / 4} {incr i} {
        lappend words [expr {int(rand() * 4294967296.0) - 2147483648}]
    }
    set block [binary format i* $words]
    set span [expr {[string length $block] - $size}]
    for {set i 0} {$i < $count} {incr i} {
        set offset [expr {(($i + [opt first]) * 7919) % $span}]
        set ::data($i) [binary format a* [string range $block $offset [expr {$offset + $size - 1}]]]
        set ::crc($i) [zlib crc32 $::data($i)]
    }
    set ::done 0
    set ::ok 0
    set ::errors {}
    report ready
    if {[gets stdin line] < 0} {
        exit 0
    }
    for {set i 0} {$i < $count} {incr i} {
        if {[catch {
            set chan [tls::socket -async {*}[noVerifyOptions] 127.0.0.1 [opt port]]
            fconfigure $chan -blocking 0 -translation binary
            fileevent $chan writable [list echoConnected $chan $i]
        } message]} {
            echoFailed {} $i "connect: $message"
        }
    }
    if {$::done < $count} {
        vwait ::done_all
    }
    foreach message [lrange $::errors 0 4] {
        puts stderr "echo-client: $message"
    }
    report done $::ok [expr {$count - $::ok}]
    while {[gets stdin line] >= 0} {}
}
proc echoFinished {} {
    if {[incr ::done] == [opt count]} {
        set ::done_all 1
    }
}
proc echoFailed {chan i message} {
    if {$chan ne ""} {
        catch {close $chan}
    }
    lappend ::errors "client $i: $message"
    echoFinished
}
proc echoConnected {chan i} {
    fileevent $chan writable {}
    if {[catch {fconfigure $chan -error} error] || $error ne ""} {
        echoFailed $chan $i "connect: $error"
        return
    }
    fileevent $chan readable [list echoHandshake $chan $i]
    echoHandshake $chan $i
}
proc echoHandshake {chan i} {
    if {[catch {tls::handshake $chan} done]} {
        echoFailed $chan $i "handshake: $done"
        return
    }
    if {!$done} {
        return
    }
    set ::got($i) 0
    set ::sum($i) 0
    fileevent $chan readable [list echoRead $chan $i]
    if {[catch {
        puts -nonewline $chan $::data($i)
        flush $chan
    } message]} {
        echoFailed $chan $i "write: $message"
    }
}
proc echoRead {chan i} {
    if {[catch {read $chan} data]} {
        echoFailed $chan $i "read: $data"
        return
    }
    # A running CRC of the byte arrays read: no copies, no conversions.
    incr ::got($i) [string length $data]
    set ::sum($i) [zlib crc32 $data $::sum($i)]
    set size [opt size]
    if {$::got($i) >= $size} {
        if {$::got($i) != $size || $::sum($i) != $::crc($i)} {
            echoFailed $chan $i "data differ"
            return
        }
        close $chan
        unset ::got($i) ::sum($i) ::data($i)
        incr ::ok
        echoFinished
    } elseif {[eof $chan]} {
        echoFailed $chan $i "EOF after $::got($i) of $size bytes"
    }
}

# Roles of workloads in their own files.
source [file join [file dirname [info script]] latency.tcl]
source [file join [file dirname [info script]] http.tcl]

# ----------------------------------------------------------------- main

if {[catch {[opt role]} message]} {
    fail $message
}
exit 0
