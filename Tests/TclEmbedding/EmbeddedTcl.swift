// A real Tcl interpreter in a test or fuzz executable (which link libtcl;
// the shipped library never does), with the package loaded: `load {} Tls`
// runs Tls_Init, which fills the stubs table the library calls Tcl through.
import CTcl
import Tls

public enum EmbeddedTcl {
    /// A new interpreter of the calling thread (an interpreter belongs to
    /// the thread that made it), with the package loaded.
    public static func interpreterWithPackage() -> OpaquePointer {
        Tcl_FindExecutable(nil)
        let interp = Tcl_CreateInterp()!
        // Closures rather than the exported functions themselves, so this file
        // does not emit a second definition of the @_cdecl symbols.
        Tcl_StaticPackage(nil, "Tls", { Tls_Init($0) }, { Tls_SafeInit($0) })
        guard Tcl_EvalEx(interp, "load {} Tls", -1, 0) == TCL_OK else {
            fatalError("load {} Tls: \(String(cString: Tcl_GetStringResult(interp)))")
        }
        return interp
    }
}
