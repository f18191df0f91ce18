// The interpreters of the current thread that loaded the package. A channel
// remembers the interpreter its callbacks run in as one of these entries:
// the entry says when the interpreter is deleted, and which thread it
// belongs to. A channel that moved in from another thread runs its callbacks
// in the entry of this thread that holds it now.
@preconcurrency import CTcl

final class LoadedInterp {
    let interp: TclInterp
    let thread: Tcl_ThreadId?
    /// Cleared when the interpreter is deleted (in its own thread).
    fileprivate(set) var alive = true
    /// Keys this interpreter's -password scripts unlocked (see PrivateKey);
    /// no other interpreter is given them.
    var unlockedKeys: [PrivateKey.UnlockRequest: UnlockedKey] = [:]

    fileprivate init(_ interp: TclInterp) {
        self.interp = interp
        self.thread = tcl.pointee.tcl_GetCurrentThread!()
    }

    /// The interpreter may be used here: this is its thread (checked first:
    /// `alive` belongs to that thread) and it is not deleted.
    var isUsable: Bool {
        thread == tcl.pointee.tcl_GetCurrentThread!() && alive && tcl.pointee.tcl_InterpDeleted!(interp) == 0
    }
}

enum LoadedInterps {
    /// Tls_Init: remembers `interp` for this thread (once).
    static func add(_ interp: TclInterp) {
        guard let state = ThreadState.current, !state.interps.contains(where: { $0.interp == interp }) else { return }
        let entry = LoadedInterp(interp)
        state.interps.append(entry)
        // Tcl holds one reference to the entry until the deletion callback.
        tcl.pointee.tcl_CallWhenDeleted!(interp, interpDeleted, Unmanaged.passRetained(entry).toOpaque())
    }

    /// The entry of `interp`, an interpreter of this thread.
    static func entry(for interp: TclInterp) -> LoadedInterp? {
        ThreadState.current?.interps.first { $0.interp == interp }
    }

    /// A live interpreter of this thread in which `channel` is registered.
    static func holder(of channel: Tcl_Channel) -> LoadedInterp? {
        ThreadState.current?.interps.first {
            $0.isUsable && tcl.pointee.tcl_IsChannelRegistered!($0.interp, channel) != 0
        }
    }

    fileprivate static func deleted(_ entry: LoadedInterp) {
        entry.alive = false
        ThreadState.current?.interps.removeAll { $0 === entry }
    }
}

private func interpDeleted(_ cd: ClientData?, _ interp: OpaquePointer?) {
    let entry = Unmanaged<LoadedInterp>.fromOpaque(cd!)
    LoadedInterps.deleted(entry.takeUnretainedValue())
    entry.release()
}
