#!/bin/sh
# Builds TclTLS 2.0.1 (the C extension, a black-box peer for comparisons) from
# ../shared/deps/ for Tcl 8.6 and, when there is one, Tcl 9, into one package
# directory PREFIX/tls2.0.1 (default PREFIX /opt/tcltls201) and prints PREFIX.
# Use it with: set auto_path [linsert $auto_path 0 PREFIX]; package require -exact tls 2.0.1
# Idempotent. Exit status 3: the source tarball is not there (callers skip).
set -e
PREFIX=${1:-/opt/tcltls201}
TCL9_PREFIX=${TCL9_PREFIX:-/opt/tcl9}
here=$(cd "$(dirname "$0")/.." && pwd)
src=${TCLTLS201_SRC:-$here/../shared/deps/tcltls-2.0.1-src.tar.gz}
pkg=$PREFIX/tls2.0.1
want9=no; [ -f "$TCL9_PREFIX/lib/tclConfig.sh" ] && want9=yes
if [ -f "$pkg/libtls2.0.1.so" ] && { [ $want9 = no ] || [ -f "$pkg/libtcl9tls2.0.1.so" ]; }; then
  echo "$PREFIX"; exit 0
fi
if [ ! -f "$src" ]; then
  echo "tcltls201.sh: $src not found, no TclTLS 2.0.1" >&2; exit 3
fi
work=$(mktemp -d /tmp/tcltls201.XXXXXX)
tar -xzf "$src" -C "$work"
cd "$work/tcltls-2.0.1"
echo 2.0.1 > manifest.uuid
step() {
  log=$1; shift
  "$@" >"$work/$log.log" 2>&1 || { echo "tcltls201.sh: '$*' failed; log: $work/$log.log" >&2; exit 1; }
}
tcl86=$(dirname "$(ls /usr/lib/tcl8.6/tclConfig.sh /usr/lib/*/tcl8.6/tclConfig.sh 2>/dev/null | head -n 1)")
mkdir b86 && cd b86
step configure86 ../configure --with-tcl="$tcl86"
step make86 make binaries
cd ..
mkdir -p "$pkg"
cp b86/libtls2.0.1.so b86/pkgIndex.tcl "$pkg/"
if [ $want9 = yes ]; then
  mkdir b9 && cd b9
  step configure9 ../configure --with-tcl="$TCL9_PREFIX/lib"
  step make9 make binaries
  cd ..
  cp b9/libtcl9tls2.0.1.so "$pkg/"
fi
rm -rf "$work"
echo "$PREFIX"
