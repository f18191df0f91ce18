#!/bin/sh
# `make fuzz`: the script fuzzer (Tests/fuzz/script) under the ASan+UBSan
# build, for Tcl 8.6 and Tcl 9, then the libFuzzer targets (Tests/fuzz/*).
#   SECONDS=N        time for the script fuzzer per Tcl, and per libFuzzer
#                    target unless FUZZ_TIME/FUZZ_RUNS say otherwise (default 300)
#   FUZZ_SEEDS="..." replay these seeds only (script fuzzer, both Tcls), no libFuzzer
#   FUZZ_FROM=N      first seed of a timed run (default: from the clock, so
#                    successive runs cover new seeds)
#   FUZZ_JOBS=N      seeds run at once (default 2)
#   FUZZ_TARGETS="certificate hello ..."  libFuzzer targets (default all; "none" skips)
#   TLS_FUZZ_AVOID   known findings to steer around (see Tests/fuzz/script/driver.tcl)
# Exits non-zero on any failure; each prints its seed and a replay command.
set -u
cd "$(dirname "$0")/../.."
seconds=${SECONDS_BUDGET:-300}
TCLSH=${TCLSH:-tclsh}
TCLSH9=${TCLSH9:-/opt/tcl9/bin/tclsh9.0}
status=0
SANITIZE_BUILD_ONLY=1 sh scripts/sanitize.sh >/dev/null || { echo "sanitizer build failed"; exit 1; }
from=${FUZZ_FROM:-$(( $(date +%s) % 100000000 ))}
for sh in "$TCLSH" "$TCLSH9"; do
  [ -x "$(command -v "$sh")" ] || continue
  echo "== script fuzzer under $sh (sanitizer build)"
  if [ -n "${FUZZ_SEEDS:-}" ]; then
    set -- -seeds "$FUZZ_SEEDS"
  else
    set -- -from "$from" -seconds "$seconds"
  fi
  nice -n 19 "$sh" Tests/fuzz/script/run.tcl "$@" -jobs "${FUZZ_JOBS:-2}" -sanitize 1 -bound 60 || status=1
done
if [ -z "${FUZZ_SEEDS:-}" ] && [ "${FUZZ_TARGETS:-}" != none ]; then
  [ -z "${FUZZ_RUNS:-}" ] && export FUZZ_TIME=${FUZZ_TIME:-$seconds}
  nice -n 19 sh scripts/fuzz/libfuzzer.sh ${FUZZ_TARGETS:-} || status=1
fi
exit $status
