#!/bin/sh
# run.sh: `make bench`. Compares our build (build/tls) with the C TclTLS
# (Debian's tcl-tls) side by side and prints one line per workload,
#     bench NAME ours X tcltls Y ratio R UNIT
# then the OpenSSL ceilings of this machine. bench.tcl does the work; this
# script prepares the environment and makes sure no process outlives it.
#
#   BENCH_QUICK=1    smoke test: tiny sizes, one pair (figures mean nothing)
#   BENCH_PAIRS=N    pairs per workload (default 5)
#   BENCH_ONLY="bulk-send-64k ceilings"   a subset
#   BENCH_OURS_VERSION=1.7.22   run "ours" with another installed tls (to test
#                    the harness itself)
#   TCLSH            the tclsh to use (default tclsh)
#   TCLSH9           Tcl 9's tclsh, for many-connections (the Makefile sets it)
set -u
here=$(cd "$(dirname "$0")" && pwd)
TCLSH=${TCLSH:-tclsh}
export TCLSH
: "${BENCH_LIBDIR:=$here/../build}"
BENCH_LIBDIR=$(cd "$BENCH_LIBDIR" 2>/dev/null && pwd || echo "$BENCH_LIBDIR")
export BENCH_LIBDIR

# 1000 connections in one server process, 500 in each client process, plus
# the descriptors of Tcl and OpenSSL; many-connections: 10,000 in one server.
want=16384
have=$(ulimit -n)
if [ "$have" != unlimited ] && [ "$have" -lt "$want" ]; then
    ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    have=$(ulimit -n)
    if [ "$have" != unlimited ] && [ "$have" -lt 1100 ]; then
        echo "bench: warning: only $have file descriptors (ulimit -n); concurrent-echo needs about 1100" >&2
    fi
fi

# Key logging would slow either package down and leave secrets around.
unset SSLKEYLOGFILE 2>/dev/null || true

# The C TclTLS: install Debian's package if no tls but ours is there.
if [ -z "${BENCH_TCLTLS_VERSION:-}" ]; then
    versions=$(echo 'catch {package require __tls_bench_no_such_package__}; puts [package versions tls]' | "$TCLSH")
    others=$(for v in $versions; do [ "$v" = "${BENCH_OURS_VERSION:-2.1.0}" ] || echo "$v"; done)
    if [ -z "$others" ]; then
        echo "bench: the C TclTLS is not installed; trying apt-get install tcl-tls" >&2
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            apt-get install -y tcl-tls >/dev/null 2>&1 ||
                { apt-get update >/dev/null 2>&1 && apt-get install -y tcl-tls >/dev/null 2>&1; } ||
                echo "bench: could not install tcl-tls; its figures will be n/a" >&2
        else
            echo "bench: not root or no apt-get; install tcl-tls by hand. Its figures will be n/a" >&2
        fi
    fi
fi

BENCH_WORK=$(mktemp -d "${TMPDIR:-/tmp}/tls-bench.XXXXXX") || exit 1
export BENCH_WORK
driver=

# Kills the driver and every process it started (their ids are in
# BENCH_WORK/pids; an id is only killed while it still runs a bench program).
cleanup() {
    trap - EXIT HUP INT TERM
    if [ -n "$driver" ]; then
        kill "$driver" 2>/dev/null
    fi
    if [ -f "$BENCH_WORK/pids" ]; then
        while read -r pid; do
            if [ -r "/proc/$pid/cmdline" ] &&
               tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -e worker.tcl -e many-client.tcl -e s_server -e reuseport-server.tcl -e threaded-client.tcl -e nginx; then
                kill "$pid" 2>/dev/null
            fi
        done < "$BENCH_WORK/pids"
    fi
    rm -rf "$BENCH_WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# The test suite's PKI script (CA, server certificate, bundle.pem = system CAs + CA).
sh "$here/../Tests/tcl/make-pki.sh" "$BENCH_WORK/pki" >/dev/null || exit 1

# In the background so that a signal reaches the traps at once.
"$TCLSH" "$here/bench.tcl" &
driver=$!
wait "$driver"
status=$?
driver=
exit $status
