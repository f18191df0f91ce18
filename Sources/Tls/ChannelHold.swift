// Callbacks that run while Tcl is in the middle of an operation on the
// channel. The handshake runs inside our input and output procs (a `puts`,
// a `read`, Tcl's flush) and inside the handler proc (an event), and its
// callbacks run scripts there. Tcl's I/O does not survive a channel closed
// or unstacked under it, so while Tcl is inside:
// - a callback's script that closes the channel (close, chan close, interp
//   delete) only drops the name: the channel holds a reference of its own
//   (Tcl_RegisterChannel without an interpreter) from the first callback
//   on, and the close happens when that reference is given back, after
//   Tcl's operation, from an idle call;
// - tls::unimport is refused (the script asked for a plain channel, and
//   cannot have it in the middle of a TLS record).
@preconcurrency import CTcl

extension TlsChannel {
    /// One of our driver procs runs `body` for Tcl.
    func insideTcl<T>(_ body: () -> T) -> T {
        tclDepth += 1
        let result = body()
        tclDepth -= 1
        if tclDepth == 0 && holdsChannel { releaseHold(now: false) }
        return result
    }

    /// A callback is about to run a script: inside Tcl's operation, the
    /// channel is held first. Only a channel that an interpreter knows by
    /// name can be closed by a script (Tcl's own close has dropped the name
    /// before it flushes).
    func holdForCallback() {
        keepEncodingForCallback()
        guard tclDepth > 0, !holdsChannel, !isClosed, let channel,
              LoadedInterps.holder(of: channel) != nil else { return }
        tcl.pointee.tcl_RegisterChannel!(nil, channel)
        holdsChannel = true
    }

    /// Tcl converts a `puts` with the channel's encoding while it calls our
    /// output proc, and a callback's `fconfigure -encoding` frees that
    /// encoding under it (finding 009: Tcl 9 and 8.6 crashed in the
    /// conversion). A reference of our own keeps it until an idle call,
    /// after Tcl's operation.
    private func keepEncodingForCallback() {
        guard tclDepth > 0, keptEncoding == nil, !isClosed, let channel,
              let name = ChannelOptions.get(channel, "-encoding") else { return }
        // nil for "binary" (no encoding object to keep).
        guard let encoding = tcl.pointee.tcl_GetEncoding!(nil, name) else { return }
        keptEncoding = encoding
        // Not pending before (keptEncoding was nil), and the channel is open:
        // the job is scheduled; close and leaveThread release it at once.
        deferred.schedule(.releaseEncoding, for: self, afterMs: nil)
    }

    func releaseKeptEncoding() {
        guard let encoding = keptEncoding else { return }
        keptEncoding = nil
        tcl.pointee.tcl_FreeEncoding!(encoding)
    }

    /// Gives the reference back: at once while an interpreter still holds
    /// the channel (this cannot close it), else from an idle call, where the
    /// script's close completes.
    func releaseHold(now: Bool) {
        guard holdsChannel, let channel, !isClosed else { holdsChannel = false; return }
        guard now || LoadedInterps.holder(of: channel) != nil else {
            return deferred.schedule(.releaseHold, for: self, afterMs: nil)
        }
        holdsChannel = false
        _ = tcl.pointee.tcl_UnregisterChannel!(nil, channel)
    }

    /// Closed, or closed by a script while held: no interpreter knows the
    /// channel by name any more (decisions then reject, as if closed).
    var isLetGo: Bool {
        guard !isClosed else { return true }
        guard holdsChannel, let channel else { return false }
        return LoadedInterps.holder(of: channel) == nil
    }

    /// tls::unimport from a callback inside Tcl's operation is an error.
    func checkUnstackable() throws {
        if tclDepth > 0 {
            throw TclError("cannot unimport \"\(name)\" from a callback during its own read, write or event")
        }
    }
}
