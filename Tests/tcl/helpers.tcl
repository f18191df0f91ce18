# Shared by every test file: loads exactly this build of tls, knows where the
# test PKI lives, and offers bounded waits, spawned peers (openssl, python,
# curl, a child tclsh) that are always killed, and small in-process servers.
#
# Nothing here may hang a test file: every wait takes a timeout (default
# $tlstest::timeout ms), every spawned process runs under coreutils `timeout`,
# and a watchdog process kills the whole test file if it overruns.

# Our build first on auto_path before ANY package search (even tcltest's): the
# first search reads every pkgIndex.tcl on auto_path and registers the tls it
# finds there, so an installed copy of the same version (make install puts one
# in Tcl's own library) would be the one loaded if build/ came later.
namespace eval tlstest {
    variable here [file dirname [file normalize [info script]]]
    variable build [expr {[info exists ::env(TLS_BUILD_DIR)] ? [file normalize $::env(TLS_BUILD_DIR)]
                         : [file normalize [file join $here .. .. build]]}]
}
set auto_path [linsert $auto_path 0 $tlstest::build]
package require tcltest 2.5

namespace eval tlstest {
    variable pkidir [expr {[info exists ::env(TLS_TEST_PKI)] ? $::env(TLS_TEST_PKI)
                          : [file join $here pki]}]
    variable peerdir [file join $here peers]
    # Default bound of one wait, in ms.
    variable timeout [expr {[info exists ::env(TLS_TEST_TIMEOUT)] ? $::env(TLS_TEST_TIMEOUT) : 20000}]
    # Seconds after which the watchdog kills this test file (and its children).
    variable fileTimeout [expr {[info exists ::env(TLS_TEST_FILE_TIMEOUT)]
                               ? $::env(TLS_TEST_FILE_TIMEOUT) : 900}]
    # Value a timed-out wait stores in the variable it waited on.
    variable TIMEOUT "\u0000tlstest-timeout\u0000"
    # Spawned processes (pipe channels) not yet reaped, and their output.
    variable procs {}
    variable out
    variable pos
    variable done
    variable activity
    # Channels that tlstest::cleanup closes: listening sockets, accepted and
    # client channels registered with tlstest::track.
    variable tracked {}
    variable tmpdir ""
    variable counter 0
}

# The option names, written out rather than read from the package: what
# tls::import accepts, and what tls::socket accepts, in the order their `bad
# option` messages list them. The one place to update when an option is added
# (load.test checks the package against it; compat.test builds the expected
# messages from it).
namespace eval tlstest {
    variable importOptionNames [list {*}{-alpn -cadata -cadir -cafile -castore -cert -certfile -cipher
        -ciphersuites -command -crldir -crlfile -dhparams -groups -handshaketimeout -key -keyfile -model
        -nodelay -ocsp -ocspresponse -password -pinnedpubkey -post_handshake -request -require
        -securitylevel -security_level
        -server -servername -session_id -sni -ssl2 -ssl3 -tls1 -tls1.1 -tls1.2 -tls1.3 -ticketkeys
        -validatecommand -vcmd}]
    # (-server is listed once, among tls::socket's own.)
    variable socketOptionNames [concat {-async -myaddr -myport -reuseaddr -reuseport -autoservername -server} \
        [lsearch -all -inline -not -exact $importOptionNames -server]]
}

# Exactly our version, from our build: a system TclTLS (Debian's 1.7, a 2.0.1)
# or an installed 2.1.0 must never be the one under test.
package require -exact tls 2.1.0
proc tlstest::loadedFrom {} {
    foreach entry [info loaded] {
        if {[string equal -nocase [lindex $entry 1] tls]} {
            return [lindex $entry 0]
        }
    }
    return ""
}
if {![string match "$tlstest::build/*" [lindex [package ifneeded tls 2.1.0] end]]
    || ![string match "$tlstest::build/*" [tlstest::loadedFrom]]} {
    error "tls 2.1.0 was not loaded from $tlstest::build: [package ifneeded tls 2.1.0];\
           library [tlstest::loadedFrom]"
}

# ---------------------------------------------------------------------------
# PKI

# Creates the test PKI (once) with the repository's openssl script, which
# returns at once when the PKI is complete and of its current generation.
proc tlstest::ensurePki {} {
    variable here
    variable pkidir
    exec sh [file join $here make-pki.sh] $pkidir 2>@1
}

# Path of a PKI file, e.g. [tlstest::pki server.pem].
proc tlstest::pki {name} {
    variable pkidir
    return [file join $pkidir $name]
}

tcltest::testConstraint python3 [expr {[auto_execok python3] ne ""}]
tcltest::testConstraint curl [expr {[auto_execok curl] ne ""}]
tcltest::testConstraint opensslCli [expr {[auto_execok openssl] ne ""}]
tcltest::testConstraint ipv6 [expr {![catch {close [socket -server {apply {args {}}} -myaddr ::1 0]}]}]

# Options for a server that presents the test server certificate (or another
# of the PKI's certificates, by base name).
proc tlstest::serverOpts {{name server}} {
    return [list -certfile [pki $name.pem] -keyfile [pki $name.key]]
}

# Options for a client that trusts the test CA and expects "localhost".
proc tlstest::clientOpts {} {
    return [list -cafile [pki ca.pem] -servername localhost]
}

# ---------------------------------------------------------------------------
# Bounded waiting

# Enters the event loop until the variable is written (or unset), at most ms
# milliseconds. A timeout is an error, so the test fails instead of hanging.
# Returns the variable's value. Names without a leading :: are global.
proc tlstest::wait {varName {ms {}}} {
    variable TIMEOUT
    if {$ms eq ""} {set ms $::tlstest::timeout}
    if {![string match ::* $varName]} {set varName ::$varName}
    set id [after $ms [list set $varName $TIMEOUT]]
    vwait $varName
    after cancel $id
    upvar #0 $varName value
    if {![info exists value]} {
        return ""
    }
    if {$value eq $TIMEOUT} {
        return -code error "timed out after $ms ms waiting for $varName"
    }
    return $value
}

# Like wait, but returns at once if the variable already exists: for events
# that may have happened while the event loop ran for something else.
proc tlstest::waitSet {varName {ms {}}} {
    if {![string match ::* $varName]} {set varName ::$varName}
    if {[info exists $varName]} {
        return [set $varName]
    }
    return [wait $varName $ms]
}

# Runs the event loop until the expression (evaluated in the caller) is true,
# at most ms milliseconds; a timeout is an error.
proc tlstest::waitFor {condition {ms {}}} {
    if {$ms eq ""} {set ms $::tlstest::timeout}
    set deadline [expr {[clock milliseconds] + $ms}]
    while {![uplevel 1 [list expr $condition]]} {
        if {[clock milliseconds] >= $deadline} {
            return -code error "timed out after $ms ms waiting for: $condition"
        }
        set id [after 10 [list set ::tlstest::tick 1]]
        vwait ::tlstest::tick
        after cancel $id
    }
    return
}

# Lets the event loop run for ms milliseconds.
proc tlstest::pause {ms} {
    set id [after $ms [list set ::tlstest::paused 1]]
    vwait ::tlstest::paused
    after cancel $id
    return
}

# CPU time (user + system) this process has used, in ms: to show that an idle
# channel does not spin. Linux only.
proc tlstest::cpuTime {} {
    variable clkTck
    if {![info exists clkTck]} {
        set clkTck 100
        catch {set clkTck [exec getconf CLK_TCK]}
    }
    set f [open /proc/self/stat]
    set stat [read $f]
    close $f
    set fields [string range $stat [expr {[string last ")" $stat] + 2}] end]
    # Fields 14 and 15 of stat(5) (utime, stime), counted from "state" = 3.
    set ticks [expr {[lindex $fields 11] + [lindex $fields 12]}]
    return [expr {$ticks * 1000 / $clkTck}]
}

# ---------------------------------------------------------------------------
# Temporary files

proc tlstest::tmpdir {} {
    variable tmpdir
    if {$tmpdir eq ""} {
        set base [expr {[info exists ::env(TMPDIR)] ? $::env(TMPDIR) : "/tmp"}]
        set tmpdir [file join $base tlstest.[pid]]
        file mkdir $tmpdir
    }
    return $tmpdir
}

# A fresh path in the temporary directory; the name gets a unique suffix.
proc tlstest::tmpfile {{name tmp}} {
    variable counter
    return [file join [tmpdir] $name.[incr counter]]
}

proc tlstest::writeFile {path data {translation binary}} {
    set f [open $path w]
    fconfigure $f -translation $translation
    puts -nonewline $f $data
    close $f
    return $path
}

# A new certificate for tests that need more than the PKI's own: an EC P-256
# key and a certificate signed by the test CA, with the subject CN and the
# subjectAltName given (e.g. "DNS:www.example.com"), made in the temporary
# directory with the openssl command line. Returns {certfile keyfile}.
proc tlstest::issue {cn san} {
    set base [tmpfile cert]
    exec openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout $base.key -subj "/CN=$cn" -out $base.csr 2>@1
    writeFile $base.ext "subjectAltName=$san\nextendedKeyUsage=serverAuth\n" lf
    exec openssl x509 -req -in $base.csr -CA [pki ca.pem] -CAkey [pki ca.key] \
        -set_serial 0x[format %x [expr {int(rand() * 2**31)}]][format %08x [incr ::tlstest::counter]] \
        -days 30 -extfile $base.ext -out $base.pem 2>@1
    return [list $base.pem $base.key]
}

# ---------------------------------------------------------------------------
# Spawned processes
#
# spawn returns a handle (a pipe channel): the process's stdin is ours to write
# (send, closeInput), its stdout and stderr are collected (output, expect).
# Every process runs under `timeout`, so it dies by itself after lifetime
# seconds; kill/killAll end it earlier. A test that spawns must call
# tlstest::cleanup (or killAll) in its -cleanup.

proc tlstest::spawn {cmd {lifetime 120}} {
    variable procs
    variable out
    variable pos
    variable done
    set full [list {*}[auto_execok timeout] -k 3 $lifetime {*}$cmd]
    set h [open |[concat $full [list 2>@1]] r+]
    fconfigure $h -blocking 0 -translation binary -buffering none
    set out($h) ""
    set pos($h) 0
    set done($h) 0
    lappend procs $h
    fileevent $h readable [list tlstest::Collect $h]
    return $h
}

proc tlstest::Collect {h} {
    variable out
    variable done
    variable activity
    if {[catch {read $h} data] || [eof $h]} {
        if {[info exists data]} {append out($h) $data}
        set done($h) 1
        fileevent $h readable {}
    } else {
        append out($h) $data
    }
    set activity($h) 1
}

# Everything the process printed so far.
proc tlstest::output {h} {
    variable out
    return $out($h)
}

# Waits until the process's output (after what earlier expects consumed)
# matches the regular expression; returns the match and its submatches and
# consumes the output up to the end of the match. Errors (with the output) on
# timeout or if the process ends first.
proc tlstest::expect {h pattern {ms {}}} {
    variable out
    variable pos
    variable done
    variable activity
    if {$ms eq ""} {set ms $::tlstest::timeout}
    set deadline [expr {[clock milliseconds] + $ms}]
    while 1 {
        set text [string range $out($h) $pos($h) end]
        set indices [regexp -inline -indices -- $pattern $text]
        if {[llength $indices]} {
            set result {}
            foreach pair $indices {
                lappend result [string range $text {*}$pair]
            }
            set pos($h) [expr {$pos($h) + [lindex $indices 0 1] + 1}]
            return $result
        }
        if {$done($h)} {
            return -code error "process ended before printing /$pattern/; its output:\n[Tail $out($h)]"
        }
        set left [expr {$deadline - [clock milliseconds]}]
        if {$left <= 0} {
            return -code error "timed out after $ms ms waiting for /$pattern/; output so far:\n[Tail $out($h)]"
        }
        set id [after $left [list set ::tlstest::activity($h) timeout]]
        vwait ::tlstest::activity($h)
        after cancel $id
    }
}

proc tlstest::Tail {text} {
    if {[string length $text] > 3000} {
        return "...[string range $text end-3000 end]"
    }
    return $text
}

# Writes to the process's stdin.
proc tlstest::send {h data} {
    puts -nonewline $h $data
    flush $h
}

# Closes the process's stdin (it sees EOF); its output is still collected.
proc tlstest::closeInput {h} {
    catch {flush $h}
    catch {close $h write}
}

# Waits until the process ends (at most ms) and returns its exit status
# (a number, or the signal name if it was killed). Errors on timeout.
proc tlstest::waitExit {h {ms {}}} {
    variable done
    variable procs
    if {$ms eq ""} {set ms $::tlstest::timeout}
    waitFor {$::tlstest::done($h)} $ms
    set procs [lsearch -all -inline -not -exact $procs $h]
    fconfigure $h -blocking 1
    if {[catch {close $h} message options]} {
        set code [dict get $options -errorcode]
        switch -- [lindex $code 0] {
            CHILDSTATUS {return [lindex $code 2]}
            CHILDKILLED {return [lindex $code 2]}
        }
    }
    return 0
}

# Ends a spawned process (SIGTERM, which `timeout` passes on; SIGKILL three
# seconds later if needed) and reaps it. Does nothing for a reaped handle.
proc tlstest::kill {h} {
    variable procs
    if {$h ni $procs} {
        return
    }
    set procs [lsearch -all -inline -not -exact $procs $h]
    catch {fileevent $h readable {}}
    catch {exec kill -TERM {*}[pid $h]}
    catch {fconfigure $h -blocking 1}
    catch {close $h}
    return
}

proc tlstest::killAll {} {
    variable procs
    foreach h $procs {
        kill $h
    }
}

# openssl s_server on 127.0.0.1 and a free port; returns {handle port}.
proc tlstest::sServer {args} {
    set h [spawn [list openssl s_server -accept 127.0.0.1:0 {*}$args]]
    set m [expect $h {ACCEPT [^\n]*:([0-9]+)}]
    return [list $h [lindex $m 1]]
}

# openssl s_client connecting to 127.0.0.1:port; returns the handle.
proc tlstest::sClient {port args} {
    return [spawn [list openssl s_client -connect 127.0.0.1:$port {*}$args]]
}

# A python3 peer script from peers/ with arguments; returns the handle.
proc tlstest::python {script args} {
    variable peerdir
    return [spawn [list python3 -u [file join $peerdir $script] {*}$args]]
}

# A python3 server peer: waits for its "READY port" line; returns {handle port}.
proc tlstest::pythonServer {script args} {
    set h [python $script {*}$args]
    set m [expect $h {READY ([0-9]+)}]
    return [list $h [lindex $m 1]]
}

# A child tclsh running the script after loading this build and these
# helpers (stdout line-buffered). Returns the handle.
proc tlstest::spawnTcl {script {lifetime 120}} {
    variable here
    set file [tmpfile child.tcl]
    writeFile $file [string cat \
        "set ::tlstest_child 1\n" \
        "source [list [file join $here helpers.tcl]]\n" \
        "fconfigure stdout -buffering line\n" \
        "fconfigure stderr -buffering line\n" \
        $script "\n"] lf
    return [spawn [list [info nameofexecutable] $file] $lifetime]
}

# ---------------------------------------------------------------------------
# In-process channels

# Registers channels for tlstest::cleanup to close.
proc tlstest::track {args} {
    variable tracked
    lappend tracked {*}$args
    return [lindex $args 0]
}

# A tls::socket server on 127.0.0.1, a free port. The accept command is
# called as for tls::socket -server; returns {listenSocket port}.
proc tlstest::listen {accept args} {
    set s [tls::socket -server $accept -myaddr 127.0.0.1 {*}$args 0]
    track $s
    return [list $s [lindex [fconfigure $s -sockname] 2]]
}

# A plain (no TLS) server on 127.0.0.1; returns {listenSocket port}.
proc tlstest::listenPlain {accept} {
    set s [socket -server $accept -myaddr 127.0.0.1 0]
    track $s
    return [list $s [lindex [fconfigure $s -sockname] 2]]
}

# A free TCP port on 127.0.0.1 (for peers that must be told their port).
proc tlstest::freePort {} {
    set s [socket -server {apply {args {}}} -myaddr 127.0.0.1 0]
    set port [lindex [fconfigure $s -sockname] 2]
    close $s
    return $port
}

# A connected pair of plain sockets {client server} in this interpreter.
proc tlstest::plainPair {} {
    variable pairServer
    unset -nocomplain pairServer
    lassign [listenPlain {apply {{chan host port} {set ::tlstest::pairServer $chan}}}] listener port
    set client [socket 127.0.0.1 $port]
    track $client
    wait ::tlstest::pairServer
    close $listener
    track $pairServer
    return [list $client $pairServer]
}

# Line echo server accept command: non-blocking, echoes each line back
# (ending it with LF), closes at EOF. Server-side errors are
# appended to ::tlstest::serverErrors; each EOF/error sets ::tlstest::serverEvent.
proc tlstest::echoAccept {chan host port} {
    track $chan
    fconfigure $chan -blocking 0 -buffering line -translation {auto lf}
    fileevent $chan readable [list tlstest::EchoRead $chan]
}

proc tlstest::EchoRead {chan} {
    if {[catch {gets $chan line} n]} {
        lappend ::tlstest::serverErrors $n
        catch {close $chan}
        set ::tlstest::serverEvent [list error $n]
        return
    }
    if {$n < 0} {
        if {[eof $chan]} {
            catch {close $chan}
            set ::tlstest::serverEvent eof
        }
        return
    }
    if {[catch {puts $chan $line} message]} {
        lappend ::tlstest::serverErrors $message
        catch {close $chan}
        set ::tlstest::serverEvent [list error $message]
    }
}

# An echo server for tests: returns its port.
proc tlstest::echoServer {args} {
    set ::tlstest::serverErrors {}
    unset -nocomplain ::tlstest::serverEvent
    lassign [listen tlstest::echoAccept {*}[serverOpts] {*}$args] s port
    return $port
}

# A raw server: each accepted TLS channel is made non-blocking and binary,
# appended to ::tlstest::accepted, and everything it reads is appended to
# ::tlstest::received($chan); at EOF ::tlstest::serverEof($chan) becomes 1
# (the channel stays open: a test may still write to it). Read errors go to
# ::tlstest::serverErrors. Returns the port.
proc tlstest::rawServer {args} {
    set ::tlstest::accepted {}
    set ::tlstest::serverErrors {}
    array unset ::tlstest::received
    array unset ::tlstest::serverEof
    lassign [listen tlstest::RawAccept {*}[serverOpts] {*}$args] s port
    return $port
}

proc tlstest::RawAccept {chan host port} {
    track $chan
    fconfigure $chan -blocking 0 -translation binary
    set ::tlstest::received($chan) ""
    set ::tlstest::serverEof($chan) 0
    fileevent $chan readable [list tlstest::RawRead $chan]
    lappend ::tlstest::accepted $chan
}

proc tlstest::RawRead {chan} {
    if {[catch {read $chan} data]} {
        lappend ::tlstest::serverErrors $data
        fileevent $chan readable {}
        set ::tlstest::serverEof($chan) error
        return
    }
    append ::tlstest::received($chan) $data
    if {[eof $chan]} {
        fileevent $chan readable {}
        set ::tlstest::serverEof($chan) 1
    }
}

# Waits for the raw server to accept its n-th connection (default the
# first); returns that channel.
proc tlstest::acceptOne {{n 1} {ms {}}} {
    waitFor {[llength $::tlstest::accepted] >= $n} $ms
    return [lindex $::tlstest::accepted [expr {$n - 1}]]
}

# Waits until the raw server's channel has received at least n bytes;
# returns all it received.
proc tlstest::receivedAtLeast {chan n {ms {}}} {
    waitFor {[string length $::tlstest::received($chan)] >= $n
             || $::tlstest::serverEof($chan) ne "0"} $ms
    return $::tlstest::received($chan)
}

# A client tls::socket to 127.0.0.1:port, non-blocking, tracked for cleanup.
# The options default to trusting the test CA and expecting "localhost".
proc tlstest::connect {port args} {
    set chan [tls::socket -async {*}[clientOpts] {*}$args 127.0.0.1 $port]
    track $chan
    fconfigure $chan -blocking 0
    return $chan
}

# Drives tls::handshake from the event loop until it is done. Returns 1, or
# raises the handshake's error; a timeout is an error too.
proc tlstest::handshake {chan {ms {}}} {
    variable hs
    unset -nocomplain hs($chan)
    fconfigure $chan -blocking 0
    HandshakeStep $chan now
    if {![info exists hs($chan)]} {
        fileevent $chan readable [list tlstest::HandshakeStep $chan readable]
        fileevent $chan writable [list tlstest::HandshakeStep $chan writable]
        if {[catch {wait ::tlstest::hs($chan) $ms} message]} {
            catch {fileevent $chan readable {}}
            catch {fileevent $chan writable {}}
            return -code error $message
        }
    }
    lassign $hs($chan) status result
    unset hs($chan)
    if {$status eq "error"} {
        return -code error $result
    }
    return $result
}

proc tlstest::HandshakeStep {chan event} {
    variable hs
    if {[catch {tls::handshake $chan} result]} {
        set hs($chan) [list error $result]
    } elseif {$result} {
        set hs($chan) [list ok $result]
    } else {
        # Still in progress. A writable event means the connection is up and
        # the first flight is out; the rest is driven by readable events.
        if {$event eq "writable"} {
            fileevent $chan writable {}
        }
        return
    }
    catch {fileevent $chan readable {}}
    catch {fileevent $chan writable {}}
}

# Event-driven reads with a timeout, whatever the channel's blocking mode
# (which is restored). getLine: the next line (error at EOF); readAll: all up
# to EOF; readBytes: exactly n bytes (error at EOF before).
proc tlstest::getLine {chan {ms {}}} {
    return [Reader $chan line {} $ms]
}

proc tlstest::readAll {chan {ms {}}} {
    return [Reader $chan all {} $ms]
}

proc tlstest::readBytes {chan n {ms {}}} {
    return [Reader $chan bytes $n $ms]
}

proc tlstest::Reader {chan mode n ms} {
    variable rd
    variable rdData
    if {$ms eq ""} {set ms $::tlstest::timeout}
    set deadline [expr {[clock milliseconds] + $ms}]
    set blocking [fconfigure $chan -blocking]
    set handler [fileevent $chan readable]
    fconfigure $chan -blocking 0
    set rd($chan) ""
    set rdData($chan) ""
    fileevent $chan readable [list tlstest::ReadStep $chan $mode $n]
    ReadStep $chan $mode $n
    set code 0
    while {$rd($chan) eq ""} {
        set left [expr {$deadline - [clock milliseconds]}]
        if {$left <= 0 || [catch {wait ::tlstest::rd($chan) $left}]} {
            set code 1
            break
        }
    }
    catch {fileevent $chan readable $handler}
    catch {fconfigure $chan -blocking $blocking}
    set status $rd($chan)
    set result $rdData($chan)
    unset rd($chan) rdData($chan)
    if {$code} {
        return -code error "timed out after $ms ms reading $chan ($mode); read so far:\
                [list [string range $result 0 200]]"
    }
    if {$status eq "error"} {
        return -code error $result
    }
    return $result
}

# One readable event of Reader: sets rd(chan) to ok or error when finished,
# or rewrites it as "" (still going), which wakes the waiting loop.
proc tlstest::ReadStep {chan mode n} {
    variable rd
    variable rdData
    if {$rd($chan) ne ""} {
        return
    }
    switch -- $mode {
        line {
            if {[catch {gets $chan line} count]} {
                set rdData($chan) $count
                set rd($chan) error
            } elseif {$count >= 0} {
                set rdData($chan) $line
                set rd($chan) ok
            } elseif {[eof $chan]} {
                set rdData($chan) "eof before a complete line"
                set rd($chan) error
            } else {
                set rd($chan) ""
            }
        }
        all - bytes {
            set want [expr {$mode eq "bytes" ? $n - [string length $rdData($chan)] : -1}]
            if {$want == 0} {
                set rd($chan) ok
                return
            }
            if {[catch {
                if {$want > 0} {read $chan $want} else {read $chan}
            } chunk]} {
                set rdData($chan) $chunk
                set rd($chan) error
                return
            }
            append rdData($chan) $chunk
            if {$mode eq "bytes" && [string length $rdData($chan)] == $n} {
                set rd($chan) ok
            } elseif {[eof $chan]} {
                if {$mode eq "all"} {
                    set rd($chan) ok
                } else {
                    set rdData($chan) "eof after [string length $rdData($chan)] of $n bytes"
                    set rd($chan) error
                }
            } else {
                set rd($chan) ""
            }
        }
    }
}

# ---------------------------------------------------------------------------
# Bulk data

# Block i (0-based) of the test stream: 64 KiB of fixed pseudo-random bytes
# with the block number in the first four bytes.
proc tlstest::block {i} {
    variable baseBlock
    if {![info exists baseBlock]} {
        expr {srand(20240229)}
        set values {}
        for {set k 0} {$k < 16384} {incr k} {
            lappend values [expr {int(rand() * 4294967296.0)}]
        }
        set baseBlock [binary format I* $values]
    }
    return [binary format I $i][string range $baseBlock 4 end]
}

# sha256 (hex) of the first n blocks of the test stream.
proc tlstest::streamHash {n} {
    variable streamHashes
    if {![info exists streamHashes($n)]} {
        set h [hasher]
        for {set i 0} {$i < $n} {incr i} {
            hashAdd $h [block $i]
        }
        set streamHashes($n) [hashDone $h]
    }
    return $streamHashes($n)
}

# A sha256 computer fed incrementally: hasher, hashAdd h data, hashDone h.
proc tlstest::hasher {} {
    set h [open |[list openssl dgst -sha256 -r] r+]
    fconfigure $h -translation binary
    return $h
}

proc tlstest::hashAdd {h data} {
    puts -nonewline $h $data
}

proc tlstest::hashDone {h} {
    close $h write
    set result [read $h]
    close $h
    return [lindex $result 0]
}

# ---------------------------------------------------------------------------
# Cleanup

# Kills spawned processes and closes tracked channels; for -cleanup.
proc tlstest::cleanup {} {
    variable tracked
    killAll
    foreach chan $tracked {
        if {$chan in [chan names]} {
            catch {fileevent $chan readable {}}
            catch {fileevent $chan writable {}}
            catch {close $chan}
        }
    }
    set tracked {}
    foreach id [after info] {
        after cancel $id
    }
    return
}

# End of a test file: cleanup, remove temporary files, report.
proc tlstest::done {} {
    variable tmpdir
    cleanup
    if {$tmpdir ne ""} {
        catch {file delete -force $tmpdir}
        set tmpdir ""
    }
    tcltest::cleanupTests
}

# Kills this process (and first its children) if it still runs after
# seconds: a bug that blocks a read forever must not hang the suite. The
# watchdog holds none of our output pipes (all.tcl reads them to EOF); it
# writes its message through /proc, and it ends as soon as this process has
# exited (even while it is a zombie that all.tcl has not reaped yet),
# removing our temporary directory.
proc tlstest::watchdog {seconds} {
    # The temporary directory tlstest::tmpdir would use: removed once we are
    # gone, even if the test file never reached tlstest::done.
    set base [expr {[info exists ::env(TMPDIR)] ? $::env(TMPDIR) : "/tmp"}]
    set tmp [file join $base tlstest.[pid]]
    set script [string map [list @PID@ [pid] @N@ $seconds @TMP@ $tmp] {
        alive() {
            state=$(ps -o stat= -p @PID@ 2>/dev/null)
            [ -n "$state" ] && [ "${state#Z}" = "$state" ]
        }
        i=0
        while alive; do
            if [ $i -ge @N@ ]; then
                echo "tlstest watchdog: test process @PID@ still running after @N@ s, killing it" \
                    > /proc/@PID@/fd/2
                for c in $(ps -o pid= --ppid @PID@); do
                    [ "$c" != "$$" ] && kill -TERM "$c" 2>/dev/null
                done
                sleep 1
                kill -KILL @PID@ 2>/dev/null
                sleep 1
                rm -rf '@TMP@'
                exit 1
            fi
            i=$((i + 1))
            sleep 1
        done
        rm -rf '@TMP@'
    }]
    exec sh -c $script </dev/null >/dev/null 2>/dev/null &
}

# Only a test file gets one (not all.tcl, not a child tclsh).
if {[string match *.test $::argv0] && ![info exists ::tlstest_child]
        && ![info exists ::tlstest::watchdogStarted]} {
    set ::tlstest::watchdogStarted 1
    tlstest::watchdog $::tlstest::fileTimeout
}
