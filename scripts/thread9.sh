#!/bin/sh
# Builds Tcl's Thread package 3.0.6 for Tcl 9 from ../shared/deps/ into
# PREFIX/thread3.0.6 (default PREFIX: Tcl 9's own lib directory, so that
# tclsh9.0 finds it on its auto_path) and prints PREFIX. Idempotent.
# Exit status 3: no Tcl 9 or no source tarball (callers skip with one line).
set -e
TCL9_PREFIX=${TCL9_PREFIX:-/opt/tcl9}
PREFIX=${1:-$TCL9_PREFIX/lib}
here=$(cd "$(dirname "$0")/.." && pwd)
src=${THREAD9_SRC:-$here/../shared/deps/thread3.0.6-src.tar.gz}
pkg=$PREFIX/thread3.0.6
if [ -f "$pkg/libtcl9thread3.0.6.so" ] && [ -f "$pkg/pkgIndex.tcl" ]; then echo "$PREFIX"; exit 0; fi
[ -f "$TCL9_PREFIX/lib/tclConfig.sh" ] || { echo "thread9.sh: no Tcl 9 at $TCL9_PREFIX" >&2; exit 3; }
[ -f "$src" ] || { echo "thread9.sh: $src not found, no Thread for Tcl 9" >&2; exit 3; }
work=$(mktemp -d /tmp/thread9.XXXXXX)
tar -xzf "$src" -C "$work"
cd "$work"/thread3.0.6
step() {
  log=$1; shift
  "$@" >"$work/$log.log" 2>&1 || { echo "thread9.sh: '$*' failed; log: $work/$log.log" >&2; exit 1; }
}
step configure ./configure --with-tcl="$TCL9_PREFIX/lib"
step make make
mkdir -p "$pkg"
cp libtcl9thread3.0.6.so pkgIndex.tcl "$pkg/"
[ -f lib/ttrace.tcl ] && cp lib/ttrace.tcl "$pkg/"
rm -rf "$work"
echo "$PREFIX"
