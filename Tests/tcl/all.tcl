# Runs every *.test file in this directory, each in its own tclsh.
# helpers.tcl comes first: it puts the build on auto_path before the first
# package search (tcltest's), then loads tcltest and checks which tls loaded.
# Each test file loads the package with helpers.tcl too; the PKI is made once.
source [file join [file dirname [file normalize [info script]]] helpers.tcl]
namespace import tcltest::*
configure -testdir [file dirname [file normalize [info script]]] -singleproc 0 {*}$argv
tlstest::ensurePki
runAllTests
