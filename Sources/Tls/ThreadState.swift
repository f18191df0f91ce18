// What each thread keeps for itself, in Tcl's thread-local storage
// (Tcl_GetThreadData): the interpreters of this thread that loaded the
// package, and recently decoded -session_id sessions. Nothing here is ever
// touched from another thread; it is released by Tcl's thread-exit handler.
@preconcurrency import CTcl

final class ThreadState {
    /// Interpreters of this thread where Tls_Init ran and that still live.
    var interps: [LoadedInterp] = []
    /// Sessions decoded from -session_id bytes (see SessionData).
    var decodedSessions: [[UInt8]: SessionData] = [:]

    /// The key Tcl's per-thread blocks are found by; its one slot holds
    /// this thread's ThreadState (retained), nil before the first use, or
    /// `finished` once the thread's exit handler ran.
    private static let key: UnsafeMutablePointer<Tcl_ThreadDataKey?> = {
        let k = UnsafeMutablePointer<Tcl_ThreadDataKey?>.allocate(capacity: 1)
        k.initialize(to: nil)
        return k
    }()
    private static let finished = UnsafeMutableRawPointer(bitPattern: 1)!

    private static var slot: UnsafeMutablePointer<UnsafeMutableRawPointer?> {
        let block = tcl.pointee.tcl_GetThreadData!(key, numericCast(MemoryLayout<UnsafeMutableRawPointer?>.size))!
        return block.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
    }

    /// This thread's state, made on first use; nil while the thread is
    /// being finalized (after its exit handlers ran).
    static var current: ThreadState? {
        let s = slot
        if let p = s.pointee {
            return p == finished ? nil : Unmanaged<ThreadState>.fromOpaque(p).takeUnretainedValue()
        }
        let state = ThreadState()
        s.pointee = Unmanaged.passRetained(state).toOpaque()
        tcl.pointee.tcl_CreateThreadExitHandler!(threadExitHandler, nil)
        return state
    }

    fileprivate static func threadExiting() {
        let s = slot
        guard let p = s.pointee, p != finished else { return }
        s.pointee = finished
        Unmanaged<ThreadState>.fromOpaque(p).release()
    }
}

private func threadExitHandler(_ cd: ClientData?) { ThreadState.threadExiting() }
