# run.tcl ?-check? ?-full? : the differential harness (`make compat`). Runs probe.tcl
# against this package (build/), TclTLS 2.0.1 (built by scripts/tcltls201.sh,
# under Tcl 8.6 and 9) and Debian's TclTLS 1.7.22 (Tcl 8.6), each in its own
# child tclsh, and prints a table of every difference between ours and theirs.
#
# A difference is: a key of tls::status/tls::connection that theirs returns and
# ours does not, or a different value (compared by form where it changes from
# run to run); for commands and callbacks, a different result, message or
# errorCode. Keys only ours returns are not differences. 1.7.22 is compared
# only where 2.0.1 has nothing to say or agrees with it (2.0.1 wins).
#
# Differences kept on purpose are listed in intended.txt, each with the topic
# of its paragraph in doc/tls.man's "Differences from TclTLS" section. With
# -check the exit status is 1 when a difference is not listed there, or a
# listed topic is missing from the manual. An implementation that cannot be
# had (no 2.0.1 source, no 1.7.22 installed, no Tcl 9) is skipped with one line.
set here [file dirname [file normalize [info script]]]
set root [file dirname [file dirname $here]]
set check [expr {"-check" in $argv}]
set env(LC_ALL) C

proc env {name default} {
    return [expr {[info exists ::env($name)] ? $::env($name) : $default}]
}
set build [env TLS_BUILD_DIR [file join $root build]]
set pki [env TLS_TEST_PKI [file join $root Tests tcl pki]]
set tclsh86 [env TCLSH [info nameofexecutable]]
set tclsh9 [env TCLSH9 /opt/tcl9/bin/tclsh9.0]
exec sh [file join $root Tests tcl make-pki.sh] $pki 2>@1

# TclTLS 2.0.1: where it is already built, else built into build/tcltls201.
proc tcltls201 {} {
    set prefix [env TCLTLS201 /opt/tcltls201]
    if {[file exists [file join $prefix tls2.0.1 libtls2.0.1.so]]} {
        return $prefix
    }
    set prefix [file join $::build tcltls201]
    if {[catch {exec sh [file join $::root scripts tcltls201.sh] $prefix 2>@1} out options]} {
        if {[lindex [dict get $options -errorcode] 0] eq "CHILDSTATUS"
            && [lindex [dict get $options -errorcode] 2] == 3} {
            return ""
        }
        return -options $options $out
    }
    return $prefix
}

# Each run: name, tclsh, implementation, library directory.
set runs {}
lappend runs ours-8.6 [list $tclsh86 ours $build]
set prefix201 [tcltls201]
if {$prefix201 eq ""} {
    puts "compat: no TclTLS 2.0.1 (scripts/tcltls201.sh found no source): 2.0.1 skipped"
} else {
    lappend runs 2.0.1-8.6 [list $tclsh86 2.0.1 $prefix201]
}
if {[catch {exec $tclsh86 << {puts [package require -exact tls 1.7.22]}} out]} {
    puts "compat: no TclTLS 1.7.22 under $tclsh86: 1.7.22 skipped"
} else {
    lappend runs 1.7.22-8.6 [list $tclsh86 1.7.22 {}]
}
if {![file executable $tclsh9] || ![file exists [file join $build tls libtcl9tls.so]]} {
    puts "compat: no Tcl 9 build ($tclsh9): Tcl 9 skipped"
} else {
    lappend runs ours-9 [list $tclsh9 ours $build]
    if {$prefix201 ne "" && [file exists [file join $prefix201 tls2.0.1 libtcl9tls2.0.1.so]]} {
        lappend runs 2.0.1-9 [list $tclsh9 2.0.1 $prefix201]
    }
}

set results [dict create]
foreach {name run} $runs {
    lassign $run tclsh impl lib
    set out [exec $tclsh [file join $here probe.tcl] $impl $pki $lib 2>@stderr]
    dict set results $name $out
}

# Scenarios whose results are key/value dicts, compared key by key.
proc isDict {scenario} {
    return [regexp {/(status|status-local|connection|cert)$} $scenario]
}

# The differences of theirs from ours: {scenario key ours theirs} each.
proc differences {ours theirs} {
    set diffs {}
    dict for {scenario value} $theirs {
        if {![dict exists $ours $scenario]} {
            lappend diffs [list $scenario {} <none> $value]
            continue
        }
        set mine [dict get $ours $scenario]
        if {[isDict $scenario]} {
            dict for {key v} $value {
                if {![dict exists $mine $key]} {
                    lappend diffs [list $scenario $key <missing> $v]
                } elseif {[dict get $mine $key] ne $v} {
                    lappend diffs [list $scenario $key [dict get $mine $key] $v]
                }
            }
        } elseif {$mine ne $value} {
            lappend diffs [list $scenario {} $mine $value]
        }
    }
    return $diffs
}

# Intended differences: peer scenario-pattern key-pattern topic.
set intended {}
set f [open [file join $here intended.txt]]
foreach line [split [read $f] \n] {
    if {[string trim $line] eq "" || [string match #* [string trim $line]]} continue
    lappend intended $line
}
close $f

proc intendedTopic {peer scenario key} {
    foreach entry $::intended {
        lassign $entry p s k topic
        if {[string match $p $peer] && [string match $s $scenario] && [string match $k $key]} {
            return $topic
        }
    }
    return ""
}

# A value cut to fit its column, from a little before offset `from` (where
# it starts to differ from the value it is compared with).
proc clip {text {from 0}} {
    set text [string map {\n { } \t { }} $text]
    set start [expr {max(0, $from - 12)}]
    set prefix [expr {$start > 0 ? "..." : ""}]
    set text $prefix[string range $text $start end]
    if {[string length $text] > 60} {
        set text "[string range $text 0 56]..."
    }
    return $text
}

# The offset of the first character where a and b differ.
proc firstDifference {a b} {
    set n [expr {min([string length $a], [string length $b])}]
    for {set i 0} {$i < $n} {incr i} {
        if {[string index $a $i] ne [string index $b $i]} {
            break
        }
    }
    return $i
}

set rows {}
proc compare {oursRun theirsRun {filter {}}} {
    if {![dict exists $::results $oursRun] || ![dict exists $::results $theirsRun]} {
        return
    }
    set peer [lindex [split $theirsRun -] 0]
    foreach d [differences [dict get $::results $oursRun] [dict get $::results $theirsRun]] {
        lassign $d scenario key mine theirs
        if {$filter ne "" && ![{*}$filter $scenario $key $theirs]} {
            continue
        }
        lappend ::rows [list $theirsRun $scenario $key $mine $theirs [intendedTopic $peer $scenario $key]]
    }
}

# 1.7.22 counts where 2.0.1 (same Tcl) says nothing, or says the same.
proc old722 {scenario key theirs} {
    if {![dict exists $::results 2.0.1-8.6]} {
        return 1
    }
    set r201 [dict get $::results 2.0.1-8.6]
    if {![dict exists $r201 $scenario]} {
        return 1
    }
    if {[isDict $scenario]} {
        set v [dict get $r201 $scenario]
        return [expr {![dict exists $v $key] || [dict get $v $key] eq $theirs}]
    }
    return [expr {[dict get $r201 $scenario] eq $theirs}]
}

compare ours-8.6 2.0.1-8.6
compare ours-9 2.0.1-9
compare ours-8.6 1.7.22-8.6 old722

# The table: one line per difference with -full; by default, differences
# alike but for the scenario and the Tcl version share a line (the first
# scenario and how many more).
set unintended 0
set lines {}
set seen [dict create]
foreach row [lsort -index 1 $rows] {
    lassign $row run scenario key mine theirs topic
    if {$topic eq ""} {
        incr unintended
        set verdict DIFFERENCE
    } else {
        set verdict "intended: $topic"
    }
    set at [firstDifference $mine $theirs]
    set line [list $run $scenario $key [clip $mine $at] [clip $theirs $at] $verdict]
    if {"-full" in $argv} {
        lappend lines $line
        continue
    }
    set group [list [lindex [split $run -] 0] $key [clip $mine $at] [clip $theirs $at] $verdict]
    if {[dict exists $seen $group]} {
        set i [dict get $seen $group]
        lset lines $i 1 [lindex $lines $i 1]+
        continue
    }
    dict set seen $group [llength $lines]
    lset line 0 [lindex $group 0]
    lappend lines $line
}
puts [format "%-7s %-34s %-22s %-44s %-44s %s" peer scenario key ours theirs verdict]
foreach line $lines {
    lassign $line run scenario key mine theirs verdict
    # scenario+ ... : the same difference in more scenarios (or Tcl versions).
    regexp {^([^+]*)(\+*)$} $scenario -> scenario more
    if {$more ne ""} {
        append scenario " (+[string length $more])"
    }
    puts [format "%-7s %-34s %-22s %-44s %-44s %s" $run $scenario $key \
        [string range $mine 0 43] [string range $theirs 0 43] $verdict]
}
puts "compat: [llength $rows] differences, $unintended not listed as intended ([join [dict keys $results] {, }])"

# Every topic of intended.txt has its paragraph in the manual's section.
set f [open [file join $root doc tls.man]]
set manual [read $f]
close $f
set section ""
regexp {\[section \{DIFFERENCES FROM TCLTLS\}\](.*?)(\[section |\[manpage_end\])} $manual -> section
set missingTopics 0
foreach topic [lsort -unique [lmap entry $intended {lindex $entry 3}]] {
    if {[string first $topic $section] < 0} {
        puts "compat: topic \"$topic\" of intended.txt is not in doc/tls.man's DIFFERENCES FROM TCLTLS section"
        incr missingTopics
    }
}
if {$check && ($unintended || $missingTopics)} {
    exit 1
}
