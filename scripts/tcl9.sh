#!/bin/sh
# Builds Tcl 9.0 from Debian's tcl9.0 source package into PREFIX (default
# /opt/tcl9) and prints PREFIX. Idempotent: does nothing when PREFIX already
# has tclsh9.0 and tclConfig.sh. Uses a private apt configuration (its own
# sources list, state and cache) so the machine's own apt lists are untouched.
# Exit status 3: the source could not be fetched (CI skips Tcl 9 then);
# 1: it was fetched but did not build.
set -e
PREFIX=${1:-/opt/tcl9}
if [ -x "$PREFIX/bin/tclsh9.0" ] && [ -f "$PREFIX/lib/tclConfig.sh" ]; then
  echo "$PREFIX"; exit 0
fi
work=${TCL9_WORK:-/tmp/tcl9-build.$$}
mkdir -p "$work/apt/lists/partial" "$work/apt/cache/archives/partial" "$work/src"
apt="-o Dir::Etc::SourceList=$work/apt/sources.list -o Dir::Etc::SourceParts=/dev/null
     -o Dir::State=$work/apt -o Dir::State::Lists=$work/apt/lists
     -o Dir::State::status=/var/lib/dpkg/status -o Dir::Cache=$work/apt/cache
     -o APT::Sandbox::User=root"
# The mirror may keep only the newest source of a package: trixie's first, then sid's.
# The .dsc may be missing too: judge by the .orig.tar.gz, not by apt's status.
suites=${TCL9_SUITES:-trixie sid}
for suite in $suites; do
  echo "deb-src http://deb.debian.org/debian $suite main" > "$work/apt/sources.list"
  rm -rf "$work/apt/lists"/*Sources*
  # shellcheck disable=SC2086
  apt-get $apt -q update >>"$work/apt.log" 2>&1 || true
  # shellcheck disable=SC2086
  (cd "$work/src" && apt-get $apt -q source --download-only tcl9.0) >>"$work/apt.log" 2>&1 || true
  ls "$work/src"/tcl9.0_*.orig.tar.gz >/dev/null 2>&1 && break
done
orig=$(ls "$work/src"/tcl9.0_*.orig.tar.gz 2>/dev/null | head -n 1)
if [ -z "$orig" ]; then
  echo "tcl9.sh: cannot fetch Debian's tcl9.0 source (tried: $suites), no Tcl 9; log: $work/apt.log" >&2
  exit 3
fi
tar -xzf "$orig" -C "$work/src"
dir=$(ls -d "$work/src"/tcl9.0*/ "$work/src"/tcl9*/ 2>/dev/null | grep -v '\.orig' | head -n 1)
cd "$dir/unix"
step() {
  log=$1; shift
  "$@" >"$work/$log.log" 2>&1 || { echo "tcl9.sh: building Tcl 9 failed at '$*'; log: $work/$log.log" >&2; exit 1; }
}
step configure ./configure --prefix="$PREFIX"
step make make -j"$(nproc)"
step install make install
rm -rf "$work"
echo "$PREFIX"
