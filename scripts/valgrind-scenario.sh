#!/bin/sh
# Runs one lifecycle scenario (Tests/tcl/lifecycle/NAME.tcl) N times under
# valgrind and counts the runs that crashed, that did not print OK, that ran
# past the scenario's own bound (it prints "timeout"), and whose
# valgrind report has an invalid access (read, write, free) in libtls.so.
#
#   scripts/valgrind-scenario.sh [-n N] [-t TCLSH] [NAME [param value ...]]
#
# Without NAME: the half-close case of issue 15 (a non-blocking client does
# `close $chan write` before its handshake is done, and its -command closes
# the channel on `info handshake done`). Exit status 1 if any run failed.
# TLS_BUILD_DIR (default ./build) names the build under test.
set -u
n=100
tclsh=tclsh
while getopts n:t: opt; do
  case $opt in
    n) n=$OPTARG ;;
    t) tclsh=$OPTARG ;;
    *) echo "usage: $0 [-n N] [-t tclsh] [NAME [param value ...]]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))
if [ $# -eq 0 ]; then
  set -- halfclose
fi
here=$(cd "$(dirname "$0")/.." && pwd)
export TLS_BUILD_DIR=${TLS_BUILD_DIR:-$here/build}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
crashed=0 notok=0 late=0 invalid=0 anyerror=0
i=0
while [ $i -lt $n ]; do
  i=$((i + 1))
  log=$logs/run.$i
  out=$(timeout 300 valgrind -q --log-file="$log" "$tclsh" "$here/Tests/tcl/lifecycle/run.tcl" "$@" 2>&1)
  rc=$?
  [ $rc -ge 124 ] && crashed=$((crashed + 1))
  case $out in *OK*) ;; *) notok=$((notok + 1)) ;; esac
  case $out in *timeout*) late=$((late + 1)) ;; esac
  [ -s "$log" ] && anyerror=$((anyerror + 1))
  # An error block about an invalid access whose stack (or the block's
  # allocation and free) passes through our library.
  sed 's/^==[0-9]*== \{0,1\}//' "$log" |
    awk 'BEGIN { RS = ""; ORS = "\n\n" } /^Invalid (read|write|free)/ && /tls\.so/' > "$log.ours"
  if [ -s "$log.ours" ]; then
    invalid=$((invalid + 1))
    [ $invalid -eq 1 ] && { echo "first invalid access in our library (run $i):"; head -40 "$log.ours"; }
  fi
done
echo "scenario: $*"
echo "tclsh: $tclsh; runs $n; crashed $crashed; without OK $notok; past the scenario's bound $late; invalid access in libtls.so $invalid; any valgrind report $anyerror"
[ "$crashed" -eq 0 ] && [ "$notok" -eq 0 ] && [ "$late" -eq 0 ] && [ "$invalid" -eq 0 ]
