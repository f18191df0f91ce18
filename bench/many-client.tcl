# many-client.tcl: one client process of the many-connections workload
# (bench/many.tcl starts several). Started as
#
#     tclsh9.0 many-client.tcl version V libdir DIR port P count N cafile F ?inflight K?
#
# it opens N TLS connections to 127.0.0.1:P, event-driven, at most K
# handshakes in flight at once, each verifying the server against F; reports
#
#     established OK FAILED SECONDS      (once all N are done or failed)
#
# then holds them idle. On "go" (stdin) it writes one line on every
# established connection and reads the echo back on each:
#
#     echoed OK FAILED SECONDS
#
# It exits when stdin closes. More than ~1000 connections in one process need
# Tcl 9 (epoll); Tcl 8.6's select notifier stops at FD_SETSIZE.
#
# The reference without TLS: "plain 1" makes plain socket connections, and
# "role plain-server" is the plain echo server they talk to (reports its
# port, answers "stats" on stdin as worker.tcl's hs-server does).
set opts [dict create inflight 50 plain 0 role client {*}$argv]
proc opt {name} {dict get $::opts $name}
fconfigure stdout -buffering line
proc report {args} {puts stdout [join $args]}

if {[opt role] eq "plain-server"} {
    set accepted 0
    proc accept {chan addr port} {
        incr ::accepted
        fconfigure $chan -blocking 0 -buffering line -translation lf
        fileevent $chan readable [list echoBack $chan]
    }
    proc echoBack {chan} {
        if {[catch {
            if {[gets $chan line] >= 0} {puts $chan $line} elseif {[eof $chan]} {close $chan}
        }]} {catch {close $chan}}
    }
    set server [socket -server accept -myaddr 127.0.0.1 0]
    report port [lindex [fconfigure $server -sockname] 2]
    fileevent stdin readable {
        if {[gets stdin line] < 0} {
            if {[eof stdin]} {exit 0}
            return
        }
        if {$line eq "stats"} {report stats $::accepted 0 0 0}
    }
    vwait forever
}

if {![opt plain]} {
    set auto_path [linsert $auto_path 0 [opt libdir]]
    package require -exact tls [opt version]
}

set ok 0
set failed 0
set inflight 0
set next 0
set conns {}
set firstError ""

# Opens connections while fewer than K handshakes are in flight.
proc refill {} {
    while {$::inflight < [opt inflight] && $::next < [opt count]} {
        incr ::next
        if {[catch {
            if {[opt plain]} {
                set chan [socket -async 127.0.0.1 [opt port]]
            } else {
                set chan [tls::socket -async -cafile [opt cafile] -servername localhost 127.0.0.1 [opt port]]
            }
        } message]} {
            failed "" $message
            continue
        }
        incr ::inflight
        fconfigure $chan -blocking 0 -buffering line -translation lf
        fileevent $chan writable [list step $chan]
        fileevent $chan readable [list step $chan]
    }
    if {$::ok + $::failed == [opt count] && ![info exists ::establishedAt]} {
        set ::establishedAt [clock microseconds]
        report established $::ok $::failed [expr {($::establishedAt - $::start) / 1e6}] $::firstError
    }
}

proc failed {chan message} {
    incr ::failed
    if {$::firstError eq ""} {
        set ::firstError [string map {\n " "} $message]
    }
    if {$chan ne ""} {
        catch {close $chan}
    }
}

# One handshake event of a connection (plain: the connect is done).
proc handshake {chan} {
    if {[opt plain]} {
        set error [fconfigure $chan -error]
        if {$error ne ""} {error $error}
        return 1
    }
    tls::handshake $chan
}
proc step {chan} {
    if {[catch {handshake $chan} done]} {
        incr ::inflight -1
        failed $chan $done
        refill
        return
    }
    if {!$done} {
        # Connected and the first flight is out: the rest comes as readable events.
        fileevent $chan writable {}
        return
    }
    fileevent $chan writable {}
    fileevent $chan readable {}
    incr ::inflight -1
    incr ::ok
    lappend ::conns $chan
    refill
}

# The echo round: one line out on every connection, its echo back.
proc echoRound {} {
    set ::echoOk 0
    set ::echoFailed 0
    set ::echoStart [clock microseconds]
    set i 0
    foreach chan $::conns {
        incr i
        fileevent $chan readable [list echoRead $chan "ping $i"]
        if {[catch {puts $chan "ping $i"} message]} {
            echoDone $chan 0
        }
    }
    if {![llength $::conns]} {
        echoFinished
    }
}
proc echoRead {chan expected} {
    if {[catch {gets $chan line} n]} {
        echoDone $chan 0
    } elseif {$n >= 0} {
        echoDone $chan [expr {$line eq $expected}]
    } elseif {[eof $chan]} {
        echoDone $chan 0
    }
}
proc echoDone {chan good} {
    fileevent $chan readable {}
    if {$good} {incr ::echoOk} else {incr ::echoFailed}
    if {$::echoOk + $::echoFailed == [llength $::conns]} {
        echoFinished
    }
}
proc echoFinished {} {
    report echoed $::echoOk $::echoFailed [expr {([clock microseconds] - $::echoStart) / 1e6}]
}

fileevent stdin readable {
    if {[gets stdin line] < 0} {
        if {[eof stdin]} {exit 0}
        return
    }
    if {$line eq "go"} {echoRound}
}
set start [clock microseconds]
refill
vwait forever
