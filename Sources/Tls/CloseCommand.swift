// Half-close of TLS channels through the core `close` and `chan close`.
//
// Tcl (8.6 and 9) refuses `close $chan write` on any stacked channel before
// asking its driver ("half-close not applicable to stack of transformations").
// A TLS channel can half-close (close_notify, then the socket's write side),
// so the package puts a thin C-level wrapper in front of the two commands'
// own functions: the commands keep their names, their tokens and their place
// in the `chan` ensemble, and every call that is not a half-close of a TLS
// channel goes to the core's function with the very same arguments, so its
// messages, errorInfo and errorCode are the core's. No Tcl procedure shows
// in errorInfo, and `rename`, `info commands` and `namespace origin` see the
// core commands.
//
// One WrappedClose per interpreter and command, owned by the command: freed
// by its delete proc, which first calls the core's own (if it had one).
@preconcurrency import CTcl

enum CloseCommand {
    /// The commands wrapped: `close` and the one `chan close` dispatches to.
    static let names = ["::close", "::tcl::chan::close"]

    /// Wraps the close commands of `interp`, once: a second load of the
    /// package into it finds the interpreter's mark and leaves them.
    static func install(_ interp: TclInterp) {
        guard tcl.pointee.tcl_GetAssocData!(interp, assocKey, nil) == nil else { return }
        tcl.pointee.tcl_SetAssocData!(interp, assocKey, nil, UnsafeMutableRawPointer(bitPattern: 1))
        for name in names {
            var info = Tcl_CmdInfo()
            guard tcl.pointee.tcl_GetCommandInfo!(interp, name, &info) != 0, let coreProc = info.objProc else { continue }
            let wrapped = WrappedClose(objProc: coreProc, objClientData: info.objClientData,
                                       deleteProc: info.deleteProc, deleteData: info.deleteData)
            let data = Unmanaged.passRetained(wrapped).toOpaque()
            info.objProc = closeWrapper
            info.objClientData = data
            info.deleteProc = wrapperDeleted
            info.deleteData = data
            _ = tcl.pointee.tcl_SetCommandInfo!(interp, name, &info)
        }
    }

    private static let assocKey = "tls::close"

    /// `close chan read|write` on a TLS channel, done here; nil for every
    /// other call (the core's function then takes it as it is).
    static func halfClose(_ interp: TclInterp, _ objv: [TclObj]) -> Int32? {
        guard objv.count == 3 else { return nil }
        let direction = TclObjects.toString(objv[2])
        let write: Bool
        if !direction.isEmpty && "write".hasPrefix(direction) { write = true }
        else if !direction.isEmpty && "read".hasPrefix(direction) { write = false }
        else { return nil }
        // Not a channel, or not TLS on top: the core says what is wrong, from
        // the interpreter's state as it was (the lookup's error leaves no trace).
        let saved = tcl.pointee.tcl_SaveInterpState!(interp, TCL_OK)
        guard let ch = try? TlsChannel.find(interp, TclObjects.toString(objv[1]), for: "CLOSE") else {
            _ = tcl.pointee.tcl_RestoreInterpState!(interp, saved)
            return nil
        }
        tcl.pointee.tcl_DiscardInterpState!(saved)
        do {
            try ch.halfClose(write: write)
            return TCL_OK
        } catch let error as TclError {
            error.apply(to: interp)
            return TCL_ERROR
        } catch {
            return TCL_ERROR
        }
    }
}

/// The core command's function and data, and its delete proc.
private final class WrappedClose {
    let objProc: Tcl_ObjCmdProc
    let objClientData: ClientData?
    let deleteProc: Tcl_CmdDeleteProc?
    let deleteData: ClientData?
    init(objProc: @escaping Tcl_ObjCmdProc, objClientData: ClientData?, deleteProc: Tcl_CmdDeleteProc?,
         deleteData: ClientData?) {
        self.objProc = objProc
        self.objClientData = objClientData
        self.deleteProc = deleteProc
        self.deleteData = deleteData
    }
}

private func closeWrapper(_ cd: ClientData?, _ interp: TclInterp?, _ objc: Int32,
                          _ objv: UnsafePointer<UnsafeMutablePointer<Tcl_Obj>?>?) -> Int32 {
    guard let cd, let interp else { return TCL_ERROR }
    let wrapped = Unmanaged<WrappedClose>.fromOpaque(cd).takeUnretainedValue()
    if objc == 3, let objv, let code = CloseCommand.halfClose(interp, (0..<3).map { objv[$0]! }) {
        return code
    }
    return wrapped.objProc(wrapped.objClientData, interp, objc, objv)
}

private func wrapperDeleted(_ cd: ClientData?) {
    guard let cd else { return }
    let wrapped = Unmanaged<WrappedClose>.fromOpaque(cd).takeRetainedValue()
    wrapped.deleteProc?(wrapped.deleteData)
}
