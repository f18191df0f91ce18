# Lifecycle scenarios, run in a child tclsh (a crash is the test's failure,
# not the test file's death): a client and a server in this process; when
# the callback named by `point` fires on the side named by `side`, it does
# `action` to its channel, while deferred work named by `pending` waits.
# Prints one line per case: "OK side point action pending fired N seen ...".
#
# Parameters (set before this file is sourced; each may be a list, and
# every combination runs):
#   side     client | server
#   point    a callback, as its first words: "info handshake done",
#            "info alert", "message", "session", "error", "verify",
#            "hello", "sni", "alpn"
#   action   close | unimport | closewrite | interpdelete | update
#   pending  none | halfclose | data | deadline
#   repeat   how many times to run them all (default 1)
# The client runs in a child interpreter (interpdelete deletes it; on the
# server side it closes the channel).
foreach {var default} {side client point {{info handshake done}} action close pending none} {
    if {![info exists ::$var]} {set ::$var $default}
}

# Runs in this interpreter for either side: the child's callbacks reach it by alias.
proc ::callback {side kind args} {
    set chan [lindex $args 0]
    set words [concat $kind [lrange $args 1 end]]
    set point $::case(point)
    if {$side ne $::case(side) || $::case(fired)
            || [lrange $words 0 [expr {[llength $point] - 1}]] ne $point} {
        return 1
    }
    set ::case(fired) 1
    set interp [expr {$side eq "client" ? "child" : ""}]
    set r [catch {
        switch -- $::case(action) {
            close {interp eval $interp [list close $chan]}
            unimport {interp eval $interp [list tls::unimport $chan]}
            closewrite {interp eval $interp [list close $chan write]}
            update {update}
            interpdelete {
                if {$interp eq ""} {close $chan} else {interp delete child}
            }
        }
    } msg]
    lappend ::case(seen) [list $::case(action) $r [string range $msg 0 50]]
    after 200 {set ::case(done) 1}
    return 1
}

# The server: accepted channels echo, in this interpreter.
proc ::accept {chan host port} {
    fconfigure $chan -blocking 0 -translation binary
    fileevent $chan readable [list ::serverRead $chan]
}
proc ::serverRead {chan} {
    if {[catch {read $chan} data] || [eof $chan]} {
        catch {close $chan}
        return
    }
    catch {puts -nonewline $chan $data; flush $chan}
}

proc ::runCase {side point action pending} {
    array unset ::case
    array set ::case [list side $side point $point action $action pending $pending fired 0 seen {}]
    set sopts [concat [tlstest::serverOpts] -alpn h2 -request 1 -require 0 \
        [list -command {::callback server} -validatecommand {::callback server}]]
    set listener [tls::socket -server ::accept {*}$sopts -myaddr 127.0.0.1 0]
    set port [lindex [fconfigure $listener -sockname] 2]

    # The client, in a child interpreter that loaded this build of tls.
    interp create child
    child eval [list set auto_path $::auto_path]
    child eval [list package require -exact tls [package present tls]]
    interp alias child ::callback {} ::callback
    interp alias child ::note {} lappend ::case(seen)
    set copts [concat [tlstest::clientOpts] -alpn h2 \
        [list -command {::callback client} -validatecommand {::callback client}]]
    if {$pending eq "deadline"} {lappend copts -handshaketimeout 1}
    foreach var {copts port pending} {child eval [list set $var [set $var]]}
    # The child may be deleted by its own callback in the middle of this.
    catch {child eval {
        set c [tls::socket -async {*}$copts 127.0.0.1 $port]
        fconfigure $c -blocking 0 -translation binary
        proc clientRead {c} {
            # A callback inside the read may have closed the channel.
            if {[catch {read $c} data] || [catch {eof $c} eof] || $eof} {
                catch {close $c}
                note eof
                return
            }
            if {$data ne ""} {note read}
        }
        fileevent $c readable [list clientRead $c]
        switch -- $pending {
            halfclose {catch {close $c write}}
            data {puts -nonewline $c [string repeat x 50000]; catch {flush $c}}
        }
    }}
    set bound [after 800 {set ::case(done) 1}]
    vwait ::case(done)
    foreach id [after info] {after cancel $id}
    catch {interp delete child}
    close $listener
    foreach ch [chan names sock*] {catch {close $ch}}
    puts [list OK $side $point $action $pending fired $::case(fired) seen $::case(seen)]
}

if {![info exists ::repeat]} {set ::repeat 1}
for {set i 0} {$i < $::repeat} {incr i} {
    foreach s $::side {
        foreach pt $::point {
            foreach a $::action {
                foreach p $::pending {
                    runCase $s $pt $a $p
                }
            }
        }
    }
}
