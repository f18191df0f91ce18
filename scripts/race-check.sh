#!/bin/sh
# Runs Tests/tcl/threads.test under ThreadSanitizer: builds the library with
# -sanitize=thread (debug, Swift runtime linked dynamically) into
# .build-tsan, loads it into a tclsh with the TSan runtime preloaded, and
# prints the first frame of each report. See HACKING.md, "Threads", for what the
# reports that remain are (the Swift runtime's once-initialisation, which
# TSan cannot see). Needs `make` run first (pkgIndex.tcl, tls.tcl).
set -eu
cd "$(dirname "$0")/.."
swift_lib=$(dirname "$(command -v swift)")/../lib
tsan=$(ls "$swift_lib"/clang/*/lib/linux/libclang_rt.tsan-x86_64.so | head -n 1)
dispatch="$swift_lib/swift/linux/libdispatch.so"
TLS_TCL_INCLUDE=${TLS_TCL_INCLUDE:-/usr/include/tcl8.6} \
    swift build -c debug --scratch-path .build-tsan -Xswiftc -sanitize=thread
out=$(mktemp -d "${TMPDIR:-/tmp}/tls-tsan.XXXXXX")
mkdir -p "$out/lib/tls"
cp build/tls/pkgIndex.tcl build/tls/tls.tcl .build-tsan/debug/libtls.so "$out/lib/tls/"
TSAN_OPTIONS="report_signal_unsafe=0 log_path=$out/tsan" LD_PRELOAD="$dispatch $tsan" \
    TLS_BUILD_DIR="$out/lib" tclsh Tests/tcl/threads.test | tail -n 1
echo "ThreadSanitizer reports (first frame, count):"
cat "$out"/tsan.* 2>/dev/null | grep -A2 '^WARNING: ThreadSanitizer' | grep '#0' \
    | sed 's/ (libtls.*//' | sort | uniq -c || true
echo "the earlier accesses they conflict with (a _WZ frame is a global's once-initialiser):"
cat "$out"/tsan.* 2>/dev/null | grep -A2 -E '^  Previous (write|read)' | grep '#0' \
    | sed 's/ (libtls.*//' | sort | uniq -c || true
echo "full logs: $out"
