#!/usr/bin/env tclsh
# A thread-pool HTTPS server: the main thread accepts connections and hands
# each one, before its TLS handshake, to one of N worker threads (round
# robin), which does the handshake and answers small HTTP/1.0 requests. With
# N >= 2 the handshakes of different connections run on different cores.
#
#   tclsh threaded-server.tcl PORT CERTFILE KEYFILE ?WORKERS?
#
# PORT 0 picks a free port; the one in use is printed as "listening on N".
# WORKERS defaults to 2. Needs Tcl's Thread package (Debian: tcl-thread).
# The environment variable TLS_VERSION, if set, picks an exact version of
# the tls package (make bench runs this script with TclTLS 1.7.22 too).
#
# The rules this follows (see the manual's THREADS section):
# - an accepted channel cannot be detached inside the accept callback
#   (Tcl: "channel is shared"), so the hand-over runs from `after 0`;
# - the worker must `package require tls` itself: the channel's -command and
#   -validatecommand scripts then run in the worker's interpreter, which must
#   define them (as a worker must define its fileevent scripts).
package require Thread

lassign $argv port certfile keyfile workers
if {$keyfile eq ""} {
    puts stderr "usage: tclsh threaded-server.tcl PORT CERTFILE KEYFILE ?WORKERS?"
    exit 2
}
if {$workers eq ""} {
    set workers 2
}
set tlsRequire [expr {[info exists env(TLS_VERSION)] ? [list -exact tls $env(TLS_VERSION)] : {tls}}]
package require {*}$tlsRequire

# What every worker thread runs first: the same tls, and the HTTP side.
set workerScript [string map [list @REQUIRE@ [list package require {*}$tlsRequire]] {
    @REQUIRE@

    # The channel arrives detached from the main thread: attach it here
    # and serve it from this thread's event loop.
    proc serve {chan} {
        thread::attach $chan
        fconfigure $chan -blocking 0 -buffering full -translation {auto crlf}
        fileevent $chan readable [list readRequest $chan {}]
    }

    # Collects the request line and headers (up to the empty line). The
    # first read drives the TLS handshake, in this thread.
    proc readRequest {chan request} {
        if {[catch {gets $chan line} n]} {
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
        set path [lindex [lindex $request 0] 1]
        set body "hello from worker [thread::id]: $path\n"
        puts $chan "HTTP/1.0 200 OK"
        puts $chan "Content-Type: text/plain"
        puts $chan "Content-Length: [string length $body]"
        puts $chan "Connection: close"
        puts $chan ""
        fconfigure $chan -translation binary
        puts -nonewline $chan $body
        fileevent $chan readable {}
        # Flush in the background, then close.
        fileevent $chan writable [list finish $chan]
    }

    proc finish {chan} {
        fileevent $chan writable {}
        if {[catch {flush $chan}] || [chan pending output $chan] == 0} {
            catch {close $chan}
            return
        }
        fileevent $chan writable [list finish $chan]
    }

    thread::wait
}]

set pool {}
for {set i 0} {$i < $workers} {incr i} {
    lappend pool [thread::create $workerScript]
}
set next 0

proc accept {chan host port} {
    after 0 [list handOff $chan]
}

proc handOff {chan} {
    global pool next
    set worker [lindex $pool $next]
    set next [expr {($next + 1) % [llength $pool]}]
    thread::detach $chan
    thread::send -async $worker [list serve $chan]
}

set listener [tls::socket -server accept -certfile $certfile -keyfile $keyfile $port]
puts "listening on [lindex [fconfigure $listener -sockname] 2]"
flush stdout
vwait forever
