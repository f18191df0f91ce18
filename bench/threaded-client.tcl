# One client process of the threaded-server workload (bench/threaded.tcl):
# `concurrency` event-driven loops, together `count` HTTPS requests, each on
# a new TLS connection (full handshake, no certificate check: the server is
# measured, not the client), GET / and the response read to EOF.
#
#   tclsh threaded-client.tcl port P count N concurrency C libdir DIR version V
#
# Prints "ready", waits for "go" on stdin, then prints
# "done COMPLETED FAILED" when every request has finished or failed.
array set opt $argv
set auto_path [linsert $auto_path 0 $opt(libdir)]
package require -exact tls $opt(version)
fconfigure stdout -buffering line

set left $opt(count)
set completed 0
set failed 0

proc next {} {
    global left opt
    if {$left <= 0} {
        finished
        return
    }
    incr left -1
    if {[catch {tls::socket -async -request 0 -require 0 127.0.0.1 $opt(port)} chan]} {
        incr ::failed
        after 0 next
        return
    }
    fconfigure $chan -blocking 0 -buffering full -translation binary
    set ::reply($chan) ""
    set ::timer($chan) [after 20000 [list done $chan 0]]
    # The handshake first, driven by events; the request once it is done. (A
    # request flushed during the handshake would be retried by Tcl on every
    # writable event while the handshake waits for the server: a busy loop
    # that takes CPU from the server being measured.)
    fileevent $chan writable [list handshake $chan writable]
    fileevent $chan readable [list handshake $chan readable]
}

proc handshake {chan event} {
    if {[catch {tls::handshake $chan} finished]} {
        done $chan 0
        return
    }
    if {!$finished} {
        # Connected and the first flight is out: the rest comes readable.
        if {$event eq "writable"} { fileevent $chan writable {} }
        return
    }
    fileevent $chan writable {}
    puts -nonewline $chan "GET / HTTP/1.0\r\nHost: localhost\r\n\r\n"
    flush $chan
    fileevent $chan readable [list readReply $chan]
}

proc readReply {chan} {
    if {[catch {read $chan} data]} {
        done $chan 0
        return
    }
    append ::reply($chan) $data
    if {[eof $chan]} {
        done $chan [string match "HTTP/1.0 200 OK*" $::reply($chan)]
    }
}

proc done {chan ok} {
    if {![info exists ::timer($chan)]} { return }
    after cancel $::timer($chan)
    unset ::timer($chan) ::reply($chan)
    catch {close $chan}
    if {$ok} { incr ::completed } else { incr ::failed }
    after 0 next
}

set running $opt(concurrency)
proc finished {} {
    global running
    if {[incr running -1] == 0} {
        puts "done $::completed $::failed"
        exit 0
    }
}

puts ready
if {[gets stdin] ne "go"} { exit 1 }
for {set i 0} {$i < $opt(concurrency)} {incr i} { after 0 next }
vwait forever
