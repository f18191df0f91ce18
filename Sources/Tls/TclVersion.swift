// What differs between Tcl 8.6 and Tcl 9.0, as far as Swift code sees it.
// The same sources build for both: the tcl.h found first on the include path
// (Makefile: TCL_CONFIG, TCL9_CONFIG) decides, and CTcl/shim.h evens out what
// Swift cannot (Tcl_Size, the opaque Tcl_Interp, the byte-array call, the
// close2Proc marker). Everything else about the version is read here.
@preconcurrency import CTcl

enum TclVersion {
    /// The Tcl this library was compiled for ("8.6" or "9.0"). Tcl_InitStubs
    /// asks for it: at least this version, and the same major version, since
    /// the two stubs tables are not compatible.
    static let compiled = TCL_VERSION
    static let major = Int(TCL_MAJOR_VERSION)

    /// Tcl 8.6 keeps a character beyond U+FFFF as a surrogate pair (each half
    /// three bytes of UTF-8); Tcl 9 keeps it as standard four-byte UTF-8.
    static let supplementaryAsSurrogates = TCL_MAJOR_VERSION < 9
}
