# Runs driver.tcl for many seeds, each in its own child process under a time
# bound, and reports every seed that crashed (a signal: SIGSEGV, or SIGABRT
# from a Tcl panic or a sanitizer), printed a sanitizer report, or hung past
# the bound, with a one-line replay command.
#
#   tclsh run.tcl ?-seeds {1 2 3}? ?-from N -count N? ?-seconds S? ?-jobs J?
#                 ?-bound S? ?-steps N? ?-sanitize 0|1? ?-quiet 0|1?
#
# -seconds runs consecutive seeds from -from until the time is up (instead of
# -count). -sanitize 1 loads the ASan build (scripts/sanitize.sh's, from
# build/asan/tclX/lib) with the runtime preloaded. The last line is
# "fuzz: N seeds, N clean, N failed"; the exit status is 1 on any failure.
set here [file dirname [file normalize [info script]]]
set root [file normalize [file join $here .. .. ..]]
array set opt {-seeds {} -from 1 -count 20 -seconds 0 -jobs 1 -bound 30 -steps 12 -sanitize 0 -quiet 0}
array set opt $argv
set tclsh [info nameofexecutable]
set tclName [expr {[package vsatisfies [info patchlevel] 9-] ? "tcl9" : "tcl8.6"}]

set env(TLS_TEST_PKI) [expr {[info exists env(TLS_TEST_PKI)] ? $env(TLS_TEST_PKI) : [file join $root Tests tcl pki]}]
if {![file exists [file join $env(TLS_TEST_PKI) .complete]]} {
    exec sh [file join $root Tests tcl make-pki.sh] $env(TLS_TEST_PKI) 2>@1
}
set envPrefix {}
if {$opt(-sanitize)} {
    set swiftLib [file join [file dirname [file dirname [auto_execok swift]]] lib]
    set asan [lindex [glob [file join $swiftLib clang * lib linux libclang_rt.asan-x86_64.so]] 0]
    set build [file join $root build asan $tclName lib]
    set envPrefix [list env LD_PRELOAD=$asan TLS_BUILD_DIR=$build \
        ASAN_OPTIONS=detect_leaks=1:detect_odr_violation=0:abort_on_error=0 \
        UBSAN_OPTIONS=print_stacktrace=1 \
        LSAN_OPTIONS=suppressions=[file join $root scripts fuzz lsan.supp]:print_suppressions=0]
} elseif {![info exists env(TLS_BUILD_DIR)]} {
    set env(TLS_BUILD_DIR) [file join $root build]
}

# The command that runs one seed, as a list of words.
proc command {seed} {
    global envPrefix tclsh here opt env
    set e [expr {$opt(-sanitize) ? $envPrefix : [list env TLS_BUILD_DIR=$env(TLS_BUILD_DIR)]}]
    if {[info exists env(TLS_FUZZ_AVOID)]} { lappend e TLS_FUZZ_AVOID=$env(TLS_FUZZ_AVOID) }
    return [concat $e [list $tclsh [file join $here driver.tcl] $seed $opt(-steps)]]
}

# The same, written for a shell (words with blanks in single quotes): the replay line.
proc replay {seed} {
    join [lmap w [command $seed] {expr {[regexp {[\s{}"$]} $w] ? "'$w'" : $w}}] " "
}

# The verdict on one finished child: "" when clean, else the reason.
proc verdict {output status} {
    if {[regexp {ERROR: (AddressSanitizer|LeakSanitizer)[^\n]*} $output m]} { return $m }
    if {[regexp {runtime error:[^\n]*} $output m]} { return "UBSan $m" }
    if {[regexp {(?i)\npanic|Tcl_Panic|alloc: invalid block} $output m]} { return "Tcl panic" }
    if {[regexp {PEER-CRASHED[^\n]*} $output m]} { return "our server in the child peer: $m" }
    lassign $status kind code
    if {$kind eq "CHILDKILLED"} { return "killed by $code" }
    if {$kind eq "CHILDSTATUS" && $code == 124} { return "hang (past $::opt(-bound) s)" }
    if {$kind eq "CHILDSTATUS" && $code == 137} { return "hang (past $::opt(-bound) s, killed)" }
    if {![string match "*FUZZ-OK*" $output]} { return "no FUZZ-OK (exit $status)" }
    return ""
}

set running 0
set clean 0
set failed {}
set started [clock milliseconds]
set next $opt(-from)
set queue $opt(-seeds)

proc nextSeed {} {
    global opt queue next started
    if {[llength $opt(-seeds)]} {
        if {![llength $queue]} { return "" }
        set queue [lassign $queue s]
        return $s
    }
    if {$opt(-seconds) > 0} {
        if {[clock milliseconds] - $started > $opt(-seconds) * 1000} { return "" }
    } elseif {$next >= $opt(-from) + $opt(-count)} {
        return ""
    }
    return [expr {[incr next] - 1}]
}

proc launch {} {
    global running opt
    while {$running < $opt(-jobs)} {
        set seed [nextSeed]
        if {$seed eq ""} { break }
        set cmd [concat [list timeout -s KILL [expr {$opt(-bound) + 5}] timeout $opt(-bound)] [command $seed]]
        set h [open |[concat $cmd [list 2>@1]] r]
        fconfigure $h -blocking 0 -translation binary
        set ::out($h) ""
        fileevent $h readable [list collect $h $seed]
        incr running
    }
    if {$running == 0} { set ::done 1 }
}

proc collect {h seed} {
    global running out clean failed opt
    append out($h) [read $h]
    if {![eof $h]} return
    fconfigure $h -blocking 1
    set status {NONE 0}
    if {[catch {close $h} msg opts]} {
        set ec [dict get $opts -errorcode]
        if {[lindex $ec 0] eq "CHILDSTATUS"} { set status [list CHILDSTATUS [lindex $ec 2]] }
        if {[lindex $ec 0] eq "CHILDKILLED"} { set status [list CHILDKILLED [lindex $ec 2]] }
    }
    set why [verdict $out($h) $status]
    if {$why eq ""} {
        incr clean
    } else {
        lappend failed $seed
        puts "FAIL seed $seed: $why"
        puts "  replay: [replay $seed]"
        puts "  last lines:\n    [join [lrange [split [string trim $out($h)] \n] end-12 end] "\n    "]"
    }
    # (quiet: every 1000, so that a run stopped from outside still says how far it got)
    if {($clean + [llength $failed]) % ($opt(-quiet) ? 1000 : 100) == 0} {
        puts "fuzz: [expr {$clean + [llength $failed]}] seeds so far, [llength $failed] failed"
        flush stdout
    }
    unset out($h)
    incr running -1
    launch
}

launch
if {$running} { vwait ::done }
puts "fuzz: [expr {$clean + [llength $failed]}] seeds, $clean clean, [llength $failed] failed[expr {[llength $failed] ? " ([join $failed {, }])" : ""}]"
exit [expr {[llength $failed] > 0}]
