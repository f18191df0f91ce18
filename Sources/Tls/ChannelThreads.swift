// A channel's ties to the thread that holds it: the interpreter its
// callbacks run in, its scripts as Tcl objects, and its deferred work. Tcl
// tells the channel when it leaves a thread (TCL_CHANNEL_THREAD_REMOVE, also
// right before a close or an unstack) and when it arrives in one
// (TCL_CHANNEL_THREAD_INSERT, also when it is stacked).
@preconcurrency import CTcl

extension TlsChannel {
    /// Where the channel stands towards the threads.
    enum Residence {
        /// Bound to the interpreter that imported it, or found since.
        case settled
        /// Left its thread: the scripts' text, until a thread takes it in.
        case leaving(KeptOptions.Scripts)
        /// Moved in from another thread, and no interpreter found yet. The
        /// channel's first use here binds it (so that callbacks fired while
        /// it is closed, after it left the interpreter, still find it).
        case arrived
    }

    /// The interpreter callbacks run in: the one that imported the channel;
    /// after a move to another thread, an interpreter of that thread that
    /// loaded the package and holds the channel now. nil when there is none
    /// (callbacks are then skipped) or it was deleted. Not held with
    /// Tcl_Preserve: a preserved interpreter is not deleted while its
    /// thread exits, and its channels would then be closed twice. Nor is
    /// there one while Tcl finalizes the thread (it closes the channels
    /// still open then, and no script may run in the middle of that).
    var interp: TclInterp? {
        guard ThreadState.current != nil else { return nil }
        if let b = bound, b.isUsable { return b.interp }
        guard let channel else { return nil }
        bound = LoadedInterps.holder(of: channel)
        if bound != nil, case .arrived = residence { residence = .settled }
        return bound?.interp
    }

    func bindIfMovedIn() { if case .arrived = residence { _ = interp } }

    /// The scripts as objects of the current thread again.
    func restoreScripts() {
        guard case .leaving(let scripts) = residence else { return }
        residence = .settled
        options.enterThread(scripts)
    }

    /// In the thread the channel leaves: nothing of that thread (deferred
    /// work, notifier interest, Tcl objects) stays tied to the channel. The
    /// interpreter stays bound (it is used only from its own thread) and
    /// the scripts are made again if the channel is closed here.
    func leaveThread() {
        guard !isClosed, !isLeaving else { return }
        deferred.cancelAll()
        releaseKeptEncoding()
        if stage != .unstacking { unwatchParent() }
        connection.transport.burst.endBurst()
        residence = .leaving(options.leaveThread())
    }

    /// In the thread that now holds the channel: the scripts become objects
    /// of this thread, and what the channel was waiting for is watched and
    /// scheduled from here (the handshake's deadline keeps its time).
    func enterThread() {
        guard !isClosed, isLeaving else { return }
        restoreScripts()
        residence = .arrived
        updateParentInterest()
        armTimerIfReadable()
        scheduleHalfCloseCheck()
        scheduleDeadline()
    }

    private var isLeaving: Bool {
        if case .leaving = residence { return true }
        return false
    }
}
