#!/bin/sh
# scripts/dist.sh VERSION OUT.tar.gz: the binary package (`make dist`). The
# tarball holds one directory, tls VERSION, ready to unpack into any directory
# on Tcl's auto_path: the package directory of build/tls (pkgIndex.tcl, every
# library built there, tls.tcl), the manual (tls.n, tls.html), README.md and
# LICENSE. The libraries link the Swift runtime statically, so the package
# needs no Swift toolchain. They are stripped of debugging symbols (when
# strip is there).
set -eu
version=$1
out=$2
top=tls$version
stage=build/dist
rm -rf "$stage"
mkdir -p "$stage/$top"
libs=$(ls build/tls/lib*.so)
cp build/tls/pkgIndex.tcl build/tls/tls.tcl $libs "$stage/$top/"
cp build/doc/tls.n build/doc/tls.html README.md LICENSE "$stage/$top/"
if command -v strip >/dev/null 2>&1; then
    for lib in "$stage/$top"/lib*.so; do
        strip --strip-unneeded "$lib"
    done
fi
chmod 644 "$stage/$top"/*
chmod 755 "$stage/$top"/lib*.so
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
tar -C "$stage" --owner=0 --group=0 --numeric-owner --sort=name -czf "$out" "$top"
echo "$out"
