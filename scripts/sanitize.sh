#!/bin/sh
# The whole tcltest suite under AddressSanitizer (+ LeakSanitizer) and
# UndefinedBehaviorSanitizer, under Tcl 8.6 and Tcl 9: the library is built
# with -sanitize=address (Swift checks overflow and bounds itself; the C shims
# get -fsanitize=undefined) into .build-asan and .build-asan9, put beside
# pkgIndex.tcl and tls.tcl in build/asan/lib/tls, and loaded into an
# uninstrumented tclsh with the toolchain's ASan runtime preloaded.
#   scripts/sanitize.sh [test files...]     (default: every file)
#   TCLSH, TCLSH9, TCL9_INCLUDE, TCL9_STUBLIB: as the Makefile passes them.
#   SANITIZE_BUILD_ONLY=1: build and lay out build/asan/<tcl>/lib only (for
#   the script fuzzer, `make fuzz`).
# Reports go to build/asan/<tcl>/report.*; scripts/fuzz/lsan.supp names the
# leaks of uninstrumented code (Tcl's and OpenSSL's own, see there). Prints a
# summary of each report's first frame in our code; exits non-zero when a
# test failed or a report names libtls. Needs `make` run first.
set -u
cd "$(dirname "$0")/.."
. scripts/fuzz/tcl-env.sh
files=${*:-}
TCLSH=${TCLSH:-tclsh}
TCLSH9=${TCLSH9:-/opt/tcl9/bin/tclsh9.0}
swift_lib=$(dirname "$(command -v swift)")/../lib
asan=$(ls "$swift_lib"/clang/*/lib/linux/libclang_rt.asan-x86_64.so | head -n 1)
flags="-Xswiftc -sanitize=address -Xswiftc -Xcc -Xswiftc -fsanitize=undefined"
status=0

# The sanitizer options of every run (the fuzz driver reuses them).
ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=0:detect_odr_violation=0:symbolize=1"
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=0"
LSAN_OPTIONS="suppressions=$PWD/scripts/fuzz/lsan.supp:print_suppressions=0"
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS

suite() {  # name, tclsh, scratch path, library file name, swift env
  name=$1 sh=$2 scratch=$3 lib=$4 senv=$5
  echo "== building $scratch"
  env $senv swift build -c debug --product tls --scratch-path "$scratch" $flags 2>&1 | grep -E 'error' && return 1
  out=build/asan/$name
  rm -rf "$out"; mkdir -p "$out/lib/tls"
  cp build/tls/pkgIndex.tcl build/tls/tls.tcl "$out/lib/tls/"
  cp "$scratch/debug/libtls.so" "$out/lib/tls/$lib"
  [ -n "${SANITIZE_BUILD_ONLY:-}" ] && return 0
  echo "== suite under $name ($sh)"
  # load-6.2 checks the shipped library's static Swift runtime; this debug
  # build links the runtime dynamically (as the TSan build does).
  args="-skip load-6.2"
  [ -n "$files" ] && args="$args -file \"$files\""
  # man-db's seccomp sandbox forbids the runtime's log file (preconv, col).
  MAN_DISABLE_SECCOMP=1 ASAN_OPTIONS="$ASAN_OPTIONS:log_path=$PWD/$out/report:log_exe_name=1" UBSAN_OPTIONS="$UBSAN_OPTIONS:log_path=$PWD/$out/report" \
      LD_PRELOAD="$asan" TLS_BUILD_DIR="$PWD/$out/lib" \
      sh -c "\"$sh\" Tests/tcl/all.tcl $args" > "$out/suite.log" 2>&1
  grep -E 'all.tcl:[[:space:]]+Total' "$out/suite.log" || { echo "no totals"; status=1; }
  grep -qE 'all.tcl:.*Failed[[:space:]]+0' "$out/suite.log" || status=1
  sed -n '/Test files exiting with errors:/,$p' "$out/suite.log" | grep -q '\.test' && { echo "test files died:"; sed -n '/Test files exiting with errors:/,$p' "$out/suite.log"; status=1; }
  # The runtime is preloaded into every process the tests start too (openssl,
  # python3, the shells of exec): their reports are listed apart, by program.
  reports=$(ls "$out"/report.tclsh* 2>/dev/null | wc -l)
  echo "sanitizer reports from tclsh processes: $reports"
  others=$(ls "$out"/report.* 2>/dev/null | grep -v '/report\.tclsh' | sed -E 's|.*/report\.||; s|\.[0-9]+$||' | sort | uniq -c | tr '\n' ' ')
  [ -n "$others" ] && echo "reports from other programs the tests run (not ours): $others"
  if [ "$reports" -gt 0 ]; then
    echo "kinds (count):"
    cat "$out"/report.tclsh* | grep -E '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' | sed -E 's/==[0-9]+==//; s/0x[0-9a-f]+/ADDR/g' | sort | uniq -c | sort -rn | head -n 20
    if grep -l 'libtls.so\|libtcl9tls.so' "$out"/report.tclsh* >/dev/null 2>&1; then
      echo "reports naming our library:"; grep -l 'libtls.so\|libtcl9tls.so' "$out"/report.tclsh*
      status=1
    fi
  fi
}

# The two Tcls' suites run side by side (each in its own scratch and report
# directory); each prints its summary when done.
run() {  # name, tclsh, scratch, library, swift env
  suite "$@" > "build/asan/$1.summary" 2>&1
  echo $status > "build/asan/$1.status"
}
mkdir -p build/asan; rm -f build/asan/*.status build/asan/*.summary
run tcl8.6 "$TCLSH" .build-asan libtls.so "$SWIFTENV" &
if [ -x "$TCLSH9" ]; then
  TCL9_INCLUDE=${TCL9_INCLUDE:-/opt/tcl9/include}
  TCL9_STUBLIB=${TCL9_STUBLIB:-/opt/tcl9/lib/libtclstub.a}
  run tcl9 "$TCLSH9" .build-asan9 libtcl9tls.so \
      "TLS_TCL_INCLUDE=$TCL9_INCLUDE TLS_TCL_STUBLIB=$TCL9_STUBLIB TLS_TCL_LIBDIR=$(dirname "$TCL9_STUBLIB")" &
fi
wait
for name in tcl8.6 tcl9; do
  [ -f "build/asan/$name.status" ] || continue
  echo "== $name"; cat "build/asan/$name.summary"
  [ "$(cat "build/asan/$name.status")" = 0 ] || status=1
done
exit $status
