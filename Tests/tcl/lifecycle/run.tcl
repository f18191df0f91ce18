# Runs one lifecycle scenario outside tcltest (for valgrind and by hand):
#   TLS_BUILD_DIR=$PWD/build tclsh Tests/tcl/lifecycle/run.tcl SCENARIO ?name value ...?
# e.g. run.tcl callback-action side client point {info handshake done} action close pending halfclose
set ::tlstest_child 1
set args $argv
set argv {}
set here [file dirname [file normalize [info script]]]
source [file join $here .. helpers.tcl]
tlstest::ensurePki
fconfigure stdout -buffering line
foreach {name value} [lrange $args 1 end] {set ::$name $value}
source [file join $here [lindex $args 0].tcl]
