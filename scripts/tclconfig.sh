#!/bin/sh
# Prints the path of a tclConfig.sh.
#   scripts/tclconfig.sh [8]  Tcl 8.6's: $TCL_CONFIG if set, else the one beside
#                             the Tcl that $TCLSH (default tclsh) runs, or, when
#                             $TCLSH is a Tcl 9, beside tclsh8.6.
#   scripts/tclconfig.sh 9    Tcl 9's: $TCL9_CONFIG if set, else beside $TCLSH if
#                             it is a Tcl 9, else $TCL9_PREFIX/lib/tclConfig.sh
#                             (scripts/tcl9.sh's prefix, default /opt/tcl9) if it
#                             is there; prints nothing when there is no Tcl 9.
major=${1:-8}
TCLSH=${TCLSH:-tclsh}

# config_of SHELL: the tclConfig.sh beside the Tcl that SHELL runs, if it is
# Tcl $major.x; found from its library and prefix.
config_of() {
  set -- $(echo 'puts "[info library] [file dirname [file dirname [info nameofexecutable]]] [info tclversion]"' | "$1" 2>/dev/null)
  lib=$1 prefix=$2 ver=$3
  case "$ver" in "$major".*) ;; *) return 1 ;; esac
  arch=$( (gcc -print-multiarch || dpkg-architecture -qDEB_HOST_MULTIARCH) 2>/dev/null)
  for d in "$lib" "$(dirname "$lib")" "$prefix/lib/$arch/tcl$ver" "$prefix/lib/tcl$ver" "$prefix/lib" "$prefix/lib64"; do
    if [ -f "$d/tclConfig.sh" ]; then echo "$d/tclConfig.sh"; return 0; fi
  done
  return 1
}

if [ "$major" = 9 ]; then
  if [ -n "$TCL9_CONFIG" ]; then echo "$TCL9_CONFIG"; exit 0; fi
  config_of "$TCLSH" && exit 0
  p=${TCL9_PREFIX:-/opt/tcl9}
  if [ -f "$p/lib/tclConfig.sh" ]; then echo "$p/lib/tclConfig.sh"; fi
  exit 0
fi
if [ -n "$TCL_CONFIG" ]; then echo "$TCL_CONFIG"; exit 0; fi
config_of "$TCLSH" && exit 0
config_of tclsh8.6 && exit 0
echo "tclConfig.sh of Tcl 8.6 not found: set TCL_CONFIG=/path/to/tclConfig.sh" >&2
exit 1
