# Runs every *.test file in this directory, each in its own tclsh.
package require tcltest 2.5
namespace import tcltest::*
configure -testdir [file dirname [file normalize [info script]]] -singleproc 0 {*}$argv
# Each test file loads the package with helpers.tcl; make the PKI once for all.
source [file join [testsDirectory] helpers.tcl]
tlstest::ensurePki
runAllTests
