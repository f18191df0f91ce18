// The interpreters of the current thread that loaded the package. A channel
// that moved in from another thread runs its callbacks in the one of these
// that holds it now; an interpreter leaves the list when it is deleted.
@preconcurrency import CTcl

enum LoadedInterps {
    /// Tls_Init: remembers `interp` for this thread (once).
    static func add(_ interp: TclInterp) {
        guard let state = ThreadState.current, !state.interps.contains(interp) else { return }
        state.interps.append(interp)
        tcl.pointee.tcl_CallWhenDeleted!(interp, interpDeleted, nil)
    }

    fileprivate static func remove(_ interp: TclInterp) {
        ThreadState.current?.interps.removeAll { $0 == interp }
    }

    /// A live interpreter of this thread in which `channel` is registered.
    static func holder(of channel: Tcl_Channel) -> TclInterp? {
        ThreadState.current?.interps.first {
            tcl.pointee.tcl_InterpDeleted!($0) == 0 && tcl.pointee.tcl_IsChannelRegistered!($0, channel) != 0
        }
    }
}

private func interpDeleted(_ cd: ClientData?, _ interp: UnsafeMutablePointer<Tcl_Interp>?) {
    if let interp { LoadedInterps.remove(interp) }
}
