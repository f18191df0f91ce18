#!/bin/sh
# doc/generate.sh FORMAT OUT: the manual in FORMAT (nroff or html) from
# doc/tls.man, written to OUT. With tcllib's dtplite it is generated; without
# it the committed doc/tls.n or doc/tls.html is copied (so that building needs
# no tcllib). `make doc` refreshes the committed files; Tests/tcl/manual.test
# checks that they are up to date.
set -eu
format=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
case $format in
    nroff) committed=$here/tls.n ;;
    html) committed=$here/tls.html ;;
    *) echo "doc/generate.sh: format must be nroff or html" >&2; exit 2 ;;
esac
mkdir -p "$(dirname "$out")"
if ! command -v dtplite >/dev/null 2>&1; then
    if [ "$(cd "$(dirname "$out")" && pwd)/$(basename "$out")" = "$committed" ]; then
        echo "doc/generate.sh: no dtplite (tcllib): $out left as it is" >&2
    else
        cp "$committed" "$out"
    fi
    exit 0
fi
tmp=$out.tmp
dtplite -o "$tmp" "$format" "$here/tls.man"
if [ "$format" = nroff ]; then
    # The Tcl manual macros doctools includes read the register ^v (sidebar
    # mode) at page breaks before anything sets it; groff -ww warns. Start it
    # at 0, as the macros' own VE does.
    sed -e '/^\.de VS$/i\
.nr ^v 0' "$tmp" > "$out"
    rm -f "$tmp"
else
    mv "$tmp" "$out"
fi
