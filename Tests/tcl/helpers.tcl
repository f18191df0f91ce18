# Shared by every test file: loads exactly this build of tls, knows where the
# test PKI lives, and offers bounded waits.
package require tcltest 2.5

namespace eval tlstest {
    variable here [file dirname [file normalize [info script]]]
    variable build [expr {[info exists ::env(TLS_BUILD_DIR)] ? $::env(TLS_BUILD_DIR)
                         : [file normalize [file join $here .. .. build]]}]
    variable pkidir [file join $here pki]
}

# Our build first on auto_path, and exactly our version: a system tcl-tls
# (Debian's 1.7) must never be the one under test.
set auto_path [linsert $auto_path 0 $tlstest::build]
package require -exact tls 2.1.0
if {![string match "$tlstest::build/*" [lindex [package ifneeded tls 2.1.0] end]]} {
    error "tls 2.1.0 was not loaded from $tlstest::build: [package ifneeded tls 2.1.0]"
}

# Creates the test PKI (once) with the repository's openssl script.
proc tlstest::ensurePki {} {
    variable here
    variable pkidir
    if {![file exists [file join $pkidir .complete]]} {
        exec sh [file join $here make-pki.sh] $pkidir 2>@1
    }
}

# Path of a PKI file, e.g. [tlstest::pki server.pem].
proc tlstest::pki {name} {
    variable pkidir
    return [file join $pkidir $name]
}
