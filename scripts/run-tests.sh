#!/bin/sh
# Runs the Swift tests and the tcltest suite, under $TCLSH and, when it is set
# and another Tcl, under $TCLSH9 too (the Makefile sets it when a Tcl 9 is
# configured); then prints one line with the totals of all of them:
# `N passed, N failed`. Exits non-zero on any failure.
TCLSH=${TCLSH:-tclsh}
mkdir -p build
swift_log=build/swift-test.log

echo "== Swift tests"
env $SWIFTENV swift test 2>&1 | tee $swift_log
swift_rc=$?
# XCTest's summary: "Executed N tests, with M failures (...)"
summary=$(grep -E 'Executed [0-9]+ tests?, with [0-9]+ failures?' $swift_log | tail -n 1)
swift_total=$(echo "$summary" | sed -E 's/.*Executed ([0-9]+) tests?.*/\1/')
swift_failed=$(echo "$summary" | sed -E 's/.*with ([0-9]+) failures?.*/\1/')
if [ -z "$summary" ]; then swift_total=0; swift_failed=1; fi
if ! grep -qE 'Executed [0-9]+ tests?' $swift_log; then swift_failed=1; fi
[ "$swift_rc" -ne 0 ] && [ "$swift_failed" -eq 0 ] && swift_failed=1
swift_passed=$((swift_total - swift_failed))
[ $swift_passed -lt 0 ] && swift_passed=0
passed=$swift_passed
failed=$swift_failed

# The suite under one tclsh; adds its counts to passed/failed.
run_suite() {
  sh=$1 log=$2
  version=$(echo 'puts [info patchlevel]' | "$sh" 2>/dev/null)
  echo "== tcltest suite under Tcl ${version:-?} ($sh)"
  TLS_BUILD_DIR=$PWD/build "$sh" Tests/tcl/all.tcl 2>&1 | tee "$log"
  line=$(grep -E 'all.tcl:[[:space:]]+Total' "$log" | tail -n 1)
  if [ -n "$line" ]; then
    tcl_passed=$(echo "$line" | awk '{for(i=1;i<=NF;i++) if($i=="Passed") print $(i+1)}')
    tcl_failed=$(echo "$line" | awk '{for(i=1;i<=NF;i++) if($i=="Failed") print $(i+1)}')
  else
    tcl_passed=0; tcl_failed=1
  fi
  # A test file that died (crash, uncaught error) counts as a failure.
  crashed=$(sed -n '/Test files exiting with errors:/,$p' "$log" | sed 1d | grep -c '\.test')
  passed=$((passed + tcl_passed))
  failed=$((failed + tcl_failed + crashed))
}

run_suite "$TCLSH" build/tcltest.log
if [ -n "$TCLSH9" ]; then
  if [ ! -x "$TCLSH9" ]; then
    echo "== no Tcl 9 suite: $TCLSH9 not found"
    failed=$((failed + 1))
  elif [ "$(echo 'puts [info nameofexecutable]' | "$TCLSH9")" != "$(echo 'puts [info nameofexecutable]' | "$TCLSH")" ]; then
    run_suite "$TCLSH9" build/tcltest9.log
  fi
fi

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
