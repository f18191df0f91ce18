#!/bin/sh
# Prints the path of tclConfig.sh: $TCL_CONFIG if set, else the one beside the
# Tcl that `tclsh` (or $TCLSH) runs, found from its library and prefix.
if [ -n "$TCL_CONFIG" ]; then echo "$TCL_CONFIG"; exit 0; fi
TCLSH=${TCLSH:-tclsh}
set -- $(echo 'puts "[info library] [file dirname [file dirname [info nameofexecutable]]] [info tclversion]"' | "$TCLSH")
lib=$1 prefix=$2 ver=$3
arch=$( (gcc -print-multiarch || dpkg-architecture -qDEB_HOST_MULTIARCH) 2>/dev/null)
for d in "$lib" "$(dirname "$lib")" "$prefix/lib/$arch/tcl$ver" "$prefix/lib/tcl$ver" "$prefix/lib" "$prefix/lib64"; do
  if [ -f "$d/tclConfig.sh" ]; then echo "$d/tclConfig.sh"; exit 0; fi
done
echo "tclConfig.sh not found: set TCL_CONFIG=/path/to/tclConfig.sh" >&2
exit 1
