#!/bin/sh
# The libFuzzer targets of Tests/fuzz (certificate, hello, session, options):
# builds them (TLS_FUZZ=1, -sanitize=fuzzer,address, scratch path .build-fuzz)
# and runs each in turn on a working copy of its seed corpus.
#   scripts/fuzz/libfuzzer.sh [target...]       every target when none is named
#   FUZZ_RUNS=N     executions per target (default 10000000)
#   FUZZ_TIME=S     or a time bound per target in seconds (overrides FUZZ_RUNS)
# Crashes, leaks and sanitizer reports stop a target and leave the input in
# build/fuzz/artifacts/<target>/; replay one with
#   .build-fuzz/release/fuzz-<target> <that file>
# The last line of each target's log (build/fuzz/<target>.log) gives its
# executions and coverage (cov: edges, ft: features). Exits non-zero on any finding.
set -eu
cd "$(dirname "$0")/../.."
. scripts/fuzz/tcl-env.sh
targets=${*:-certificate hello session options}
sh scripts/fuzz/make-corpus.sh >/dev/null
for t in $targets; do
  env $SWIFTENV TLS_FUZZ=1 swift build -c release --scratch-path .build-fuzz --product fuzz-$t 2>&1 | grep -E 'error|warning: unre' || true
done
status=0
for t in $targets; do
  work=build/fuzz/corpus/$t artifacts=build/fuzz/artifacts/$t
  mkdir -p "$work" "$artifacts"
  cp -n Tests/fuzz/corpus/$t/* "$work/"
  if [ -n "${FUZZ_TIME:-}" ]; then bound=-max_total_time=$FUZZ_TIME; else bound=-runs=${FUZZ_RUNS:-10000000}; fi
  echo "== fuzz-$t ($bound)"
  if ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=64} .build-fuzz/release/fuzz-$t $bound \
      -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" > build/fuzz/$t.log 2>&1; then
    grep -E '^#[0-9]+.*(DONE|pulse)' build/fuzz/$t.log | tail -n 1
    grep -E 'stat::number_of_executed_units' build/fuzz/$t.log || true
  else
    status=1
    echo "fuzz-$t FAILED: see build/fuzz/$t.log and $artifacts/"
    grep -E 'ERROR|SUMMARY|^    #[0-9]' build/fuzz/$t.log | head -n 20
  fi
done
exit $status
