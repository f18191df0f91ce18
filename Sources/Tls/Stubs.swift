// Tcl_InitStubs stores the stubs table in process-wide variables. Every
// interpreter of the process hands out the same table, so it is stored once,
// under a lock; later loads (in any thread) only check Tcl's version, and no
// thread ever writes the table pointer while another reads it.
@preconcurrency import CTcl

enum Stubs {
    private static let ready = Locked<Bool>(false)

    /// Tls_Init's first step: false (with the interpreter's error) when this Tcl will not do.
    static func initialize(_ interp: TclInterp) -> Bool {
        ready.withLock { ready in
            if ready { return tcl.pointee.tcl_PkgRequireEx!(interp, "Tcl", TclVersion.compiled, 0, nil) != nil }
            ready = tls_Tcl_InitStubs(interp, TclVersion.compiled, 0) != nil
            return ready
        }
    }
}
