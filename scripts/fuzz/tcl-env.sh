# Sourced: SWIFTENV for a build against Tcl 8.6 (the fuzz executables and the
# sanitizer build link or include it), from the Makefile's variables when set.
SWIFTENV=${SWIFTENV:-"TLS_TCL_INCLUDE=/usr/include/tcl8.6 TLS_TCL_STUBLIB=/usr/lib/x86_64-linux-gnu/libtclstub8.6.a TLS_TCL_LIBDIR=/usr/lib/x86_64-linux-gnu"}
