# One run of the script-level fuzzer: from a seed, a random but legal
# sequence of what scripts do with tls channels, against a random peer, with
# random actions inside every callback. Run by run.tcl in a child process
# under a time bound; prints each step (so the last line before a crash says
# where it was) and, at the end, "FUZZ-OK seed".
#
#   tclsh driver.tcl SEED ?STEPS?
#   env: TLS_BUILD_DIR (the build to load, default ../../../build),
#        TLS_TEST_PKI (the test PKI, default ../../tcl/pki)
#
# Timing is part of the run (the event loop, the peers), so a replay takes the
# same decisions but may interleave differently; run.tcl replays a failing
# seed several times.
set seed [lindex $argv 0]
set maxSteps [expr {[llength $argv] > 1 ? [lindex $argv 1] : 12}]
set here [file dirname [file normalize [info script]]]
set build [expr {[info exists env(TLS_BUILD_DIR)] ? $env(TLS_BUILD_DIR) : [file join $here .. .. .. build]}]
set pkidir [expr {[info exists env(TLS_TEST_PKI)] ? $env(TLS_TEST_PKI) : [file join $here .. .. tcl pki]}]
set auto_path [linsert $auto_path 0 $build]
package require -exact tls 2.1.0
set haveThread [expr {![catch {package require Thread}]}]
# Known findings to steer around while they stand (see the actions below):
# "callback-update" (/work/findings/001), "unimport" (002, 004), "callback-close" (003).
set avoid [expr {[info exists env(TLS_FUZZ_AVOID)] ? $env(TLS_FUZZ_AVOID) : ""}]
# (for peer-server.tcl)
set env(TLS_BUILD_DIR) $build
set env(TLS_TEST_PKI) $pkidir
fconfigure stdout -buffering line
proc pki {name} { file join $::pkidir $name }

# The procs every interpreter that holds a channel needs: library.tcl
# (a safe child gets its text: it cannot source).
set f [open [file join $here library.tcl]]
set libText [read $f]
close $f
eval $libText
proc pki {name} { file join $::pkidir $name }
set blockingOk 0
set chans {}
set children {}
set procs {}

proc freePort {} {
    set s [socket -server {apply {args {}}} -myaddr 127.0.0.1 0]
    set port [lindex [fconfigure $s -sockname] 2]
    close $s
    return $port
}

# A spawned peer program, killed at the end; its output is drained.
proc spawn {cmd} {
    set h [open |[list timeout -k 2 20 {*}$cmd 2>@1] r+]
    fconfigure $h -blocking 0 -buffering none -translation binary
    fileevent $h readable [list apply {{h} { if {[catch {read $h}] || [eof $h]} { catch {close $h} } }} $h]
    lappend ::procs $h
    return $h
}

# Our own server: accepts TLS with random options; random actions on accepted channels.
proc ourServer {} {
    # A wrong -password fails here already; then nobody listens on the port.
    if {[catch {tls::socket -server ourAccept {*}[tlsOptions 1] -myaddr 127.0.0.1 0} s]} {
        note "server failed: $s"
        return [freePort]
    }
    lappend ::chans $s
    return [lindex [fconfigure $s -sockname] 2]
}
proc ourAccept {chan host port} {
    note "server accepted $chan"
    lappend ::chans $chan
    fconfigure $chan -blocking 0
    fileevent $chan readable [list serverRead $chan]
}
proc serverRead {chan} {
    if {[catch {read $chan} d] || [catch {eof $chan} e] || $e} { catch {close $chan}; return }
    catch {puts -nonewline $chan $d; flush $chan}
    if {[chance 0.1]} { act $chan server }
}

# Our server in a child process (peer-server.tcl); its port, or a closed one.
proc childServer {} {
    set h [open |[list timeout -k 2 20 [info nameofexecutable] [file join $::here peer-server.tcl] $::seed 2>@1] r]
    lappend ::procs $h
    set port [freePort]
    if {[gets $h line] > 0 && [regexp {^PORT ([0-9]+)} $line -> p]} { set port $p } else { note "child server: $line" }
    fconfigure $h -blocking 0
    fileevent $h readable [list peerOutput $h]
    return $port
}

# The child peer's output goes to ours (run.tcl looks for sanitizer reports
# there); its death by a signal is reported as a crash of the run.
proc peerOutput {h} {
    if {![catch {read $h} d]} { puts -nonewline $d }
    if {![eof $h]} return
    fconfigure $h -blocking 1
    if {[catch {close $h} msg opts]} {
        lassign [dict get $opts -errorcode] kind - code
        if {($kind eq "CHILDSTATUS" && $code in {132 134 135 136 139}) ||
            ($kind eq "CHILDKILLED" && $code ni {SIGTERM SIGKILL})} {
            puts "PEER-CRASHED: $kind $code"
        }
    }
}

# A plain server that misbehaves: stalls, resets, sends garbage, or relays
# to our TLS server and then cuts or corrupts the stream mid-way.
proc badServer {mode} {
    set target [expr {$mode in {cut corrupt} ? [ourServer] : 0}]
    set s [socket -server [list badAccept $mode $target] -myaddr 127.0.0.1 0]
    lappend ::chans $s
    return [lindex [fconfigure $s -sockname] 2]
}
proc badAccept {mode target chan host port} {
    note "bad peer ($mode) accepted"
    lappend ::chans $chan
    fconfigure $chan -blocking 0 -translation binary -buffering none
    switch $mode {
        stall {}
        reset { after [pick {0 10 50}] [list catch [list close $chan]] }
        garbage {
            catch {puts -nonewline $chan [randomBytes [expr {1 + int(rand() * 3000)}]]}
            if {[chance 0.5]} { after 20 [list catch [list close $chan]] }
        }
        cut - corrupt {
            set up [socket 127.0.0.1 $target]
            lappend ::chans $up
            fconfigure $up -blocking 0 -translation binary -buffering none
            set limit [expr {int(rand() * 4000)}]
            fileevent $chan readable [list relay $chan $up $mode $limit]
            fileevent $up readable [list relay $up $chan $mode $limit]
        }
    }
}
proc relay {from to mode limit} {
    if {[catch {read $from} d] || [eof $from]} { catch {close $from}; catch {close $to}; return }
    global relayed
    incr relayed($from) [string length $d]
    if {$relayed($from) > $limit} {
        if {$mode eq "cut"} { catch {close $from}; catch {close $to}; return }
        set d [randomBytes [string length $d]]
    }
    catch {puts -nonewline $to $d}
}

# The client side, in interpreter $i ({} is this one): tls::socket or socket +
# tls::import, with random options; returns the channel.
proc client {i port} {
    set how [pick {socket socket import}]
    set opts [tlsOptions 0]
    if {$i ne "" && [interp issafe $i]} {
        # A safe interpreter has no socket command: it is given one.
        set how given
        set chan [socket 127.0.0.1 $port]
        interp transfer {} $chan $i
        interp eval $i [list tls::import $chan {*}$opts]
        # (fconfigure is hidden there: the master makes it non-blocking.)
        interp invokehidden $i fconfigure $chan -blocking 0
        note "client $how $chan in {$i}"
        return $chan
    } elseif {$how eq "socket"} {
        set chan [interp eval $i [list tls::socket {*}[pick {{} -async}] {*}$opts 127.0.0.1 $port]]
    } else {
        set chan [interp eval $i [list socket 127.0.0.1 $port]]
        interp eval $i [list tls::import $chan {*}$opts]
    }
    interp eval $i [list fconfigure $chan -blocking 0]
    note "client $how $chan in {$i}"
    return $chan
}

# A child interpreter (safe or not) that holds the client channel, with the package loaded.
proc childInterp {} {
    set safe [chance 0.3]
    set i [interp create {*}[expr {$safe ? "-safe" : ""}]]
    if {$safe} {
        set lib [expr {[package vsatisfies [package provide Tcl] 9.0-] ? "libtcl9tls.so" : "libtls.so"}]
        interp invokehidden $i load [file join $::build tls $lib] Tls
    } else {
        interp eval $i [list set auto_path $::auto_path]
        interp eval $i {package require -exact tls 2.1.0}
    }
    interp eval $i $::libText
    interp eval $i [list expr srand($::seed + 1)]
    interp eval $i [list set blockingOk $::blockingOk]
    interp eval $i [list set avoid $::avoid]
    interp alias $i pki {} pki
    lappend ::children $i
    return $i
}

proc scenario {} {
    global seed maxSteps haveThread
    expr {srand($seed)}
    set peer [pick {ours ours child sserver sclient stall reset garbage cut corrupt}]
    puts "seed $seed peer $peer"
    # Blocking I/O only where the peer is another process that always answers.
    set ::blockingOk [expr {$peer in {sserver child}}]
    set i {}
    if {$peer eq "sclient"} {
        # We are the server; openssl s_client sends lines and reads.
        set port [ourServer]
        set h [spawn [list openssl s_client -connect 127.0.0.1:$port -quiet -no_ign_eof {*}[pick {{} -tls1_2 -tls1_3}]]]
        catch {puts $h "hello from s_client"}
        after [pick {50 200}]
        if {[chance 0.5]} { catch {close $h write} }
        set chan ""
        wait 300
    } else {
        if {$peer eq "sserver"} {
            set port [freePort]
            spawn [list openssl s_server -accept 127.0.0.1:$port -cert [pki server.pem] -key [pki server.key] \
                       -quiet -rev -naccept 1 {*}[pick {{} -tls1_2 -tls1_3}]]
            after 150
        } elseif {$peer eq "ours"} {
            set port [ourServer]
        } elseif {$peer eq "child"} {
            set port [childServer]
        } else {
            set port [badServer $peer]
        }
        if {[chance 0.25]} { set i [childInterp] }
        if {[catch {client $i $port} chan]} { note "client failed: $chan"; set chan "" }
    }
    for {set step 0} {$step < $maxSteps} {incr step} {
        set alive [expr {$chan ne "" && ![catch {interp eval $i [list fconfigure $chan -peername]}]}]
        set what [pick {act act act wait wait interp transfer}]
        if {!$alive && $what in {act interp transfer}} { set what wait }
        switch $what {
            act { catch {interp eval $i [list act $chan step$step]} }
            wait { wait [pick {1 10 50}] }
            interp {
                if {$i ne "" && [chance 0.6]} {
                    note "interp delete $i (holds $chan)"
                    interp delete $i
                    set chan ""
                }
            }
            transfer {
                if {$haveThread && $i eq "" && [chance 0.3]} { transfer $chan; set chan "" }
            }
        }
    }
    wait 20
}

# Runs the event loop for ms milliseconds at most.
proc wait {ms} {
    set ::tick 0
    set id [after $ms {set ::tick 1}]
    vwait ::tick
    after cancel $id
}

# Moves the channel to another thread, which acts on it a little and closes it.
proc transfer {chan} {
    note "thread::transfer $chan"
    set t [thread::create]
    thread::send $t [list set auto_path $::auto_path]
    thread::send $t [list set pkidir $::pkidir]
    thread::send $t {package require -exact tls 2.1.0; proc pki {name} { file join $::pkidir $name }}
    thread::send $t $::libText
    thread::send $t [list set blockingOk 0]
    thread::send $t [list set avoid $::avoid]
    thread::send $t [list expr srand($::seed + 2)]
    catch {fileevent $chan readable {}}
    catch {fileevent $chan writable {}}
    if {[catch {thread::transfer $t $chan} err]} { note "transfer refused: $err"; thread::release $t; return }
    thread::send $t [list apply {{chan} {
        catch {act $chan thread}; catch {act $chan thread}
        set ::tick 0; after 20 {set ::tick 1}; vwait ::tick
        catch {close $chan}
    }} $chan]
    thread::release $t
}

scenario
# The end: close what is left (children first), reap the peers.
foreach i $children { catch {interp delete $i} }
foreach chan [chan names] {
    if {$chan ni {stdin stdout stderr}} { catch {fileevent $chan readable {}}; catch {close $chan} }
}
foreach id [after info] { after cancel $id }
foreach h $procs { catch {exec kill [pid $h]}; catch {close $h} }
puts "FUZZ-OK $seed"
