# bench.tcl: the driver of `make bench` (started by run.sh). Runs every
# workload against our build and against the C TclTLS, alternating the two
# (ours, tcltls, ours, tcltls, ...), each side of a connection in its own tclsh
# (worker.tcl) over 127.0.0.1, and prints per workload
#
#     bench NAME ours X tcltls Y ratio R UNIT
#
# with X and Y the medians and R = X/Y, then the OpenSSL ceilings of this
# machine. Samples and problems go to stderr. Configuration (environment):
#
#   BENCH_WORK            scratch directory (PKI, pid list); run.sh makes it
#   BENCH_LIBDIR          our build directory (default: ../build)
#   BENCH_OURS_VERSION    our version (2.1.0)
#   BENCH_TCLTLS_VERSION  the C TclTLS version (default: the newest installed
#                         tls other than ours)
#   BENCH_QUICK=1         tiny sizes, one pair: a smoke test, not a measurement
#   BENCH_PAIRS=N         pairs per workload (5; 1 when quick)
#   BENCH_ONLY="a b"      only these workloads (names as printed, or ceilings)
#   BENCH_4K_SETTINGS     bulk-send-4k's channel settings: default (none,
#                         as the issue says: utf-8 and crlf translation cost
#                         more than the TLS) or binary (-translation binary)
#   BENCH_RESUME          how handshake-resume resumes: auto (session_id when
#                         tls::connection has a session, else model),
#                         session_id or model
#   TCLSH                 the tclsh for the workers

set here [file dirname [file normalize [info script]]]

proc setting {name default} {
    if {[info exists ::env($name)] && $::env($name) ne ""} {
        return $::env($name)
    }
    return $default
}
proc log {message} {
    puts stderr "bench: $message"
}

set tclsh      [setting TCLSH [info nameofexecutable]]
set work       [setting BENCH_WORK ""]
if {$work eq ""} {
    error "BENCH_WORK is not set: run bench/run.sh"
}
set pki        [file join $work pki]
set libdir     [file normalize [setting BENCH_LIBDIR [file join $here .. build]]]
set quick      [string is true -strict [setting BENCH_QUICK 0]]
set pairs      [setting BENCH_PAIRS [expr {$quick ? 1 : 5}]]
set only       [setting BENCH_ONLY ""]
set resumeHow  [setting BENCH_RESUME auto]
set oursVersion [setting BENCH_OURS_VERSION 2.1.0]
set settings4k [setting BENCH_4K_SETTINGS default]
if {$settings4k ni {default binary}} {
    error "BENCH_4K_SETTINGS must be default or binary"
}

# Sizes: the issue's figures, or tiny ones for a smoke test.
if {$quick} {
    array set size {
        bulk 16777216  handshakes 20  memconns 50  echoclients 50  echosize 65536
        loadreps 5  stime 1  speed 1
        bulktimeout 60000  hstimeout 60000  memtimeout 60000  echotimeout 120000
    }
} else {
    array set size {
        bulk 268435456  handshakes 300  memconns 1000  echoclients 500  echosize 65536
        loadreps 20  stime 5  speed 1
        bulktimeout 180000  hstimeout 240000  memtimeout 240000  echotimeout 300000
    }
}

# The C TclTLS: the newest installed version of tls other than ours, looked up
# in a tclsh that does not see our build.
proc findTclTLS {} {
    set script {
        catch {package require __tls_bench_no_such_package__}
        puts [package versions tls]
    }
    set versions [exec $::tclsh << $script]
    set best ""
    foreach v $versions {
        if {$v ne $::oursVersion && ($best eq "" || [package vcompare $v $best] > 0)} {
            set best $v
        }
    }
    return $best
}
set tcltlsVersion [setting BENCH_TCLTLS_VERSION ""]
if {$tcltlsVersion eq ""} {
    set tcltlsVersion [findTclTLS]
}

# How a worker loads each implementation.
proc implVersion {impl} {
    expr {$impl eq "ours" ? $::oursVersion : $::tcltlsVersion}
}
proc implLibdir {impl} {
    expr {$impl eq "ours" ? $::libdir : ""}
}

# ------------------------------------------------------------- processes

# Every process started is listed in BENCH_WORK/pids, so that run.sh can kill
# it whatever happens to this driver; stop kills it right after its trial.
set children {}
proc recordPid {pid} {
    set f [open [file join $::work pids] a]
    puts $f $pid
    close $f
}
proc spawnCommand {command {errors 2>@stderr}} {
    set chan [open |[concat $command [list $errors]] r+]
    fconfigure $chan -buffering line -blocking 0
    foreach pid [pid $chan] {
        recordPid $pid
    }
    dict set ::children $chan [pid $chan]
    return $chan
}
proc spawn {impl role args} {
    if {$impl eq "plain"} {
        set load [list version $::tcltlsVersion plain 1]
    } else {
        set load [list version [implVersion $impl] libdir [implLibdir $impl]]
    }
    spawnCommand [list $::tclsh [file join $::here worker.tcl] role $role {*}$load \
        cert [file join $::pki server.pem] key [file join $::pki server.key] {*}$args]
}
proc stop {chan} {
    if {![dict exists $::children $chan]} {
        return
    }
    foreach pid [dict get $::children $chan] {
        catch {exec kill $pid 2>/dev/null}
    }
    dict unset ::children $chan
    catch {fconfigure $chan -blocking 0}
    catch {close $chan}
}
proc stopAll {} {
    foreach chan [dict keys $::children] {
        stop $chan
    }
}

# The next line from a worker, within timeout ms.
proc readLine {chan timeout} {
    set deadline [expr {[clock milliseconds] + $timeout}]
    while 1 {
        if {[gets $chan line] >= 0} {
            return $line
        }
        if {[eof $chan]} {
            error "worker exited"
        }
        set left [expr {$deadline - [clock milliseconds]}]
        if {$left <= 0} {
            error "timeout after [expr {$timeout / 1000}] s"
        }
        set ::wake($chan) ""
        fileevent $chan readable [list set ::wake($chan) readable]
        set timer [after $left [list set ::wake($chan) timeout]]
        vwait ::wake($chan)
        after cancel $timer
        fileevent $chan readable {}
        unset ::wake($chan)
    }
}
# The next line, which must start with one of words; returns it as a list.
# A worker's "error ..." and "na ..." become errors (code BENCH NA for na).
proc expect {chan words timeout} {
    set line [readLine $chan $timeout]
    regexp {^(\S*)\s*(.*)$} $line -> word rest
    if {$word eq "na"} {
        return -code error -errorcode {BENCH NA} $rest
    }
    if {$word eq "error"} {
        error "worker: $rest"
    }
    if {$word ni $words} {
        error "worker said: $line"
    }
    return [split $line]
}
proc send {chan line} {
    puts $chan $line
    flush $chan
}
proc serverPort {server} {
    lindex [expect $server port 30000] 1
}

# ------------------------------------------------------------- statistics

proc median {values} {
    set sorted [lsort -real $values]
    set n [llength $sorted]
    if {$n == 0} {
        return ""
    }
    if {$n % 2} {
        return [lindex $sorted [expr {$n / 2}]]
    }
    expr {([lindex $sorted [expr {$n / 2 - 1}]] + [lindex $sorted [expr {$n / 2}]]) / 2.0}
}
proc number {value unit} {
    if {$value eq ""} {
        return n/a
    }
    format [expr {$unit in {ms s} ? "%.2f" : "%.1f"}] $value
}
# A name in BENCH_ONLY, or its first word (http selects http-keepalive-1 ...).
proc selected {name} {
    expr {$::only eq "" || $name in $::only || [lindex [split $name -] 0] in $::only}
}

# Runs trial (a command prefix taking the implementation) pairs times for each
# implementation in impls, alternating, and prints the line. An implementation
# whose trial fails is not tried again in this workload and gets n/a. Returns
# our samples.
proc workload {name unit impls trial {reporter ""}} {
    if {![selected $name]} {
        return
    }
    foreach impl [lsort -unique [concat ours tcltls $impls]] {
        set samples($impl) {}
        set problem($impl) ""
    }
    for {set p 0} {$p < $::pairs} {incr p} {
        foreach impl $impls {
            if {$problem($impl) ne ""} {
                continue
            }
            if {[catch {{*}$trial $impl} value]} {
                set problem($impl) $value
                log "$name $impl: $value"
            } else {
                lappend samples($impl) $value
            }
            stopAll
        }
    }
    if {$reporter eq ""} {
        report $name $unit [array get samples] [array get problem]
    } else {
        $reporter $name $unit $impls [array get samples] [array get problem]
    }
    return $samples(ours)
}
proc report {name unit samplesList problemList} {
    array set samples $samplesList
    array set problem $problemList
    foreach impl {ours tcltls} {
        set m($impl) [expr {$problem($impl) eq "" ? [median $samples($impl)] : ""}]
    }
    set ratio n/a
    if {$m(ours) ne "" && $m(tcltls) ne "" && $m(tcltls) != 0} {
        set ratio [format %.2f [expr {double($m(ours)) / $m(tcltls)}]]
    }
    puts "bench $name ours [number $m(ours) $unit] tcltls [number $m(tcltls) $unit] ratio $ratio $unit"
    flush stdout
    foreach impl {ours tcltls} {
        set shown($impl) {}
        foreach value $samples($impl) {
            lappend shown($impl) [format %.3f $value]
        }
    }
    log "$name samples: ours {$shown(ours)} tcltls {$shown(tcltls)}"
}

# ------------------------------------------------------------- workloads

# 256 MiB one way; the client times it from its first byte to the last byte
# read (recv) or to the server's acknowledgement of the last byte (send).
proc bulkTrial {mode chunk settings impl} {
    set args [list mode $mode bytes $::size(bulk) chunk $chunk settings $settings]
    set server [spawn $impl bulk-server {*}$args]
    set port [serverPort $server]
    set client [spawn $impl bulk-client port $port {*}$args]
    set mbps [lindex [expect $client result $::size(bulktimeout)] 1]
    return $mbps
}

# Sequential connections: connect, full handshake (the client verifying
# against the bundle), the server closes, the client reads to EOF and closes.
proc handshakeTrial {mode impl} {
    set server [spawn $impl hs-server mode close]
    set port [serverPort $server]
    set client [spawn $impl hs-client port $port mode $mode count $::size(handshakes) \
        bundle [file join $::pki bundle.pem] resume $::resumeHow]
    lassign [expect $client result $::size(hstimeout)] - rate how
    if {$mode eq "resume" && ![info exists ::resumedBy]} {
        set ::resumedBy $how
        log "handshake-resume $impl: resumes by -$how"
    }
    return $rate
}

proc vmRSS {pid} {
    set f [open /proc/$pid/status]
    set status [read $f]
    close $f
    if {![regexp -line {^VmRSS:\s+(\d+)\s+kB} $status -> kib]} {
        error "no VmRSS for process $pid"
    }
    return $kib
}
proc serverStats {server} {
    send $server stats
    lrange [expect $server stats 30000] 1 end
}
# Waits until the server's counts satisfy condition (an expression on
# handshakes and closed).
proc awaitServer {server condition timeout} {
    set deadline [expr {[clock milliseconds] + $timeout}]
    while 1 {
        lassign [serverStats $server] handshakes closed failed
        if {$failed > 0} {
            error "server: $failed failed handshakes"
        }
        if $condition {
            return
        }
        if {[clock milliseconds] > $deadline} {
            error "timeout waiting for the server ($handshakes handshakes, $closed closed)"
        }
        after 50
    }
}

# The server's (or client's) VmRSS before and after N idle connections (after
# one connection opened and closed, so that one-time start-up costs are not
# counted).
proc memoryTrial {side impl} {
    set n $::size(memconns)
    set server [spawn $impl hs-server mode hold]
    set port [serverPort $server]
    set client [spawn $impl mem-client port $port count $n]
    expect $client warm $::size(memtimeout)
    awaitServer $server {$handshakes >= 1} 30000
    send $client close
    expect $client closed 30000
    awaitServer $server {$closed >= 1} 30000
    after 200
    set measured [expr {$side eq "server" ? $server : $client}]
    set before [vmRSS [pid $measured]]
    send $client go
    expect $client held $::size(memtimeout)
    awaitServer $server "\$handshakes >= [expr {$n + 1}]" 30000
    after 200
    set after [vmRSS [pid $measured]]
    expr {($after - $before) / double($n)}
}

# Two client processes of N clients each, all at once against one server;
# wall seconds from "go" until both report every echo checked.
proc echoTrial {impl} {
    set n $::size(echoclients)
    set server [spawn $impl hs-server mode echo]
    set port [serverPort $server]
    set clients {}
    foreach first [list 0 $n] {
        lappend clients [spawn $impl echo-client port $port count $n size $::size(echosize) first $first]
    }
    foreach client $clients {
        expect $client ready 60000
    }
    set start [clock microseconds]
    foreach client $clients {
        send $client go
    }
    foreach client $clients {
        lassign [expect $client done $::size(echotimeout)] - ok failed
        if {$failed > 0} {
            error "$failed of [expr {$ok + $failed}] clients failed"
        }
    }
    set end [clock microseconds]
    expr {($end - $start) / 1e6}
}

# `package require tls` in a fresh tclsh, beyond an empty tclsh: per pair,
# loadreps rounds of (empty, ours, empty, tcltls), each side's median minus
# the empties' median. The scripts differ only in the package require.
proc loadTime {} {
    set name load-time
    if {![selected $name]} {
        return
    }
    set scripts {}
    foreach impl {empty ours tcltls} {
        set file [file join $::work load-$impl.tcl]
        set f [open $file w]
        puts $f "set auto_path \[linsert \$auto_path 0 [list $::libdir]\]"
        if {$impl ne "empty"} {
            puts $f [list package require -exact tls [implVersion $impl]]
        }
        close $f
        dict set scripts $impl $file
    }
    foreach impl {ours tcltls} {
        set samples($impl) {}
        set problem($impl) ""
    }
    for {set p 0} {$p < $::pairs} {incr p} {
        array set times {empty {} ours {} tcltls {}}
        for {set r 0} {$r < $::size(loadreps)} {incr r} {
            foreach impl {ours tcltls} {
                foreach run [list empty $impl] {
                    if {$run ne "empty" && $problem($run) ne ""} {
                        continue
                    }
                    set start [clock microseconds]
                    if {[catch {exec $::tclsh [dict get $scripts $run] 2>@1} message]} {
                        set problem($run) $message
                        log "$name $run: $message"
                        continue
                    }
                    lappend times($run) [expr {([clock microseconds] - $start) / 1000.0}]
                }
            }
        }
        foreach impl {ours tcltls} {
            if {$problem($impl) eq ""} {
                lappend samples($impl) [expr {[median $times($impl)] - [median $times(empty)]}]
            }
        }
    }
    log "$name empty tclsh: [format %.2f [median $times(empty)]] ms"
    report $name ms [array get samples] [array get problem]
}

# ------------------------------------------------------------- ceilings

proc freePort {} {
    set s [socket -server {apply {args {}}} -myaddr 127.0.0.1 0]
    set port [lindex [fconfigure $s -sockname] 2]
    close $s
    return $port
}
proc ceilings {} {
    if {![selected ceilings]} {
        return
    }
    # AES-256-GCM on 16 KiB buffers, one core.
    if {[catch {
        set out [exec openssl speed -evp aes-256-gcm -seconds $::size(speed) -bytes 16384 -mr 2>/dev/null]
        if {![regexp -line {^\+F:\d+:[^:]+:([0-9.]+)} $out -> rate]} {
            error "cannot read: $out"
        }
        puts [format "ceiling speed-aes-256-gcm-16k %.1f MB/s" [expr {$rate / 1e6}]]
    } message]} {
        log "openssl speed: $message"
    }
    # Full handshakes of `openssl s_time -new` against `openssl s_server`, the
    # same certificate; wall rate (comparable with handshake-verify) and the
    # rate per client CPU second that s_time prints.
    if {[catch {
        set port [freePort]
        set server [spawnCommand [list openssl s_server -quiet -accept 127.0.0.1:$port \
            -cert [file join $::pki server.pem] -key [file join $::pki server.key]] 2>/dev/null]
        after 300
        set start [clock microseconds]
        set out [exec openssl s_time -connect 127.0.0.1:$port -new -time $::size(stime) 2>@1]
        set end [clock microseconds]
        stop $server
        if {![regexp {(\d+) connections in [0-9.]+s; ([0-9.]+) connections/user sec} $out -> n cpu]} {
            error "cannot read: $out"
        }
        puts [format "ceiling s_time-new-wall %.1f handshakes/s" [expr {$n * 1e6 / ($end - $start)}]]
        puts [format "ceiling s_time-new-cpu %.1f handshakes/s" $cpu]
    } message]} {
        log "openssl s_time: $message"
    }
    # Plain Tcl sockets (no TLS), bulk-send-64k's and bulk-send-4k's
    # settings: what Tcl's own I/O allows. Median of 3.
    foreach {name chunk settings} [list 64k 65536 big 4k 4096 $::settings4k] {
        if {[catch {
            set rates {}
            for {set i 0} {$i < 3} {incr i} {
                lappend rates [bulkTrial send $chunk $settings plain]
                stopAll
            }
            puts [format "ceiling tcl-socket-send-$name %.1f MB/s" [median $rates]]
        } message]} {
            stopAll
            log "plain socket: $message"
        }
    }
    flush stdout
}

# ----------------------------------------------------------------- main

proc header {} {
    set cpu ?
    catch {
        set f [open /proc/cpuinfo]
        regexp -line {^model name\s*:\s*(.*)$} [read $f] -> cpu
        close $f
    }
    set cores ?
    catch {set cores [exec nproc]}
    set openssl ?
    catch {set openssl [exec openssl version]}
    puts "# tls bench [clock format [clock seconds] -format {%Y-%m-%d %H:%M}] on [info hostname]\
          ($cpu, $cores cores, Tcl [info patchlevel], $openssl); ours tls $::oursVersion\
          from $::libdir, tcltls $::tcltlsVersion; $::pairs pair(s)[expr {$::settings4k ne "default" ? "; bulk-send-4k $::settings4k" : ""}][expr {$::quick ? "; QUICK (smoke test only)" : ""}]"
    flush stdout
}

# Where a fresh tclsh finds each implementation (also a check that it loads).
proc origin {impl} {
    set script [list package require -exact tls [implVersion $impl]]
    if {[implLibdir $impl] ne ""} {
        set script "[list set auto_path [list [implLibdir $impl]]]; lappend auto_path {*}\$auto_path; $script"
    }
    append script {; puts [lindex [package ifneeded tls [package present tls]] end]}
    if {[catch {exec $::tclsh << $script 2>@1} out]} {
        return "NOT LOADABLE: [lindex [split $out \n] 0]"
    }
    return [lindex [split $out \n] end]
}

# handshake-resume, ours only. Its target is a multiple of our own full
# handshake rate, and this VM's speed drifts over minutes, so each resumption
# trial is followed by a full-handshake trial of ours (kept in ::fullRates);
# the factor between the two medians is logged.
proc resumeTrial {impl} {
    set rate [handshakeTrial resume $impl]
    stopAll
    if {![catch {handshakeTrial verify $impl} full]} {
        lappend ::fullRates $full
    }
    return $rate
}
proc resumeWorkload {} {
    set ::fullRates {}
    set resumed [workload handshake-resume handshakes/s {ours} resumeTrial]
    if {[llength $::fullRates] && [llength $resumed]} {
        set f [median $::fullRates]
        log [format "handshake-resume: our full handshakes in the same window %.1f/s; resumption is %.2fx that" \
            $f [expr {[median $resumed] / $f}]]
    }
}

set workloads {bulk-send-64k bulk-recv-64k bulk-send-4k bulk-recv-4k handshake-verify handshake-resume
               conn-memory conn-memory-client load-time concurrent-echo many-connections ceilings}
# Workloads in their own files.
source [file join $here latency.tcl]
source [file join $here many.tcl]
source [file join $here threaded.tcl]
source [file join $here reuseport.tcl]
source [file join $here http.tcl]
lappend workloads request-latency threaded-server reuseport http http-keepalive-1 http-keepalive-50 http-close-1 http-close-50

proc main {} {
    header
    foreach impl {ours tcltls} {
        log "$impl: tls [implVersion $impl] from [origin $impl]"
    }
    if {$::tcltlsVersion eq ""} {
        log "no C TclTLS found: its figures will be n/a"
    }
    foreach name $::only {
        if {$name ni $::workloads && ![llength [lsearch -all -glob $::workloads $name-*]]} {
            log "BENCH_ONLY: unknown name $name (known: [join $::workloads])"
        }
    }
    workload bulk-send-64k MB/s {ours tcltls} {bulkTrial send 65536 big}
    workload bulk-recv-64k MB/s {ours tcltls} {bulkTrial recv 65536 big}
    workload bulk-send-4k MB/s {ours tcltls} [list bulkTrial send 4096 $::settings4k]
    workload bulk-recv-4k MB/s {ours tcltls} [list bulkTrial recv 4096 $::settings4k]
    workload handshake-verify handshakes/s {ours tcltls} {handshakeTrial verify}
    resumeWorkload
    workload conn-memory KiB {ours tcltls} {memoryTrial server}
    workload conn-memory-client KiB {ours tcltls} {memoryTrial client}
    loadTime
    workload concurrent-echo s {ours tcltls} echoTrial
    latencyWorkload
    manyConnections
    threadedWorkload
    reuseportWorkload
    httpWorkloads
    ceilings
}

set code [catch main message options]
stopAll
if {$code} {
    puts stderr [dict get $options -errorinfo]
    exit 1
}
exit 0
