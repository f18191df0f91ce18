// `close $chan write` (Tcl 8.6 and 9 refuse half-close on stacked channels, so
// CloseCommand.swift routes it here): once the handshake is done
// and Tcl's output is flushed, send close_notify and shut the channel below
// for writing. A non-blocking channel finishes this from the event loop: the
// stage is `.halfClosing` until then, and each chance to finish is a
// deferred half-close check.
@preconcurrency import CTcl

extension TlsChannel {
    func halfClose(write: Bool) throws {
        guard let channel, !isClosed else { return }
        guard write else { return try closeParent(TCL_CLOSE_READ) }
        if tcl.pointee.tcl_Flush!(channel) != TCL_OK {
            throw TclError("error flushing \"\(name)\": \(posixMessage())")
        }
        guard stage == .open || stage == .halfClosing else { return }
        stage = .halfClosing
        // From a callback inside OpenSSL (during the handshake or a read):
        // the half-close finishes once OpenSSL returns.
        if inOpenSSL { return postponeUntilOpenSSLReturns() }
        if blocking { _ = try handshakeCommand() } else { _ = handshakeStep() }
        try finishHalfClose()
    }

    /// The rest of a half-close, when nothing stands in its way any more.
    func finishHalfClose() throws {
        guard stage == .halfClosing, let channel else { return }
        // Called back from inside OpenSSL (a script's close in a callback):
        // close_notify must wait until OpenSSL is done.
        if inOpenSSL { return postponeUntilOpenSSLReturns() }
        if case .failed = connection.state { stage = .open; return }
        guard connection.state == .established, tcl.pointee.tcl_OutputBuffered!(channel) == 0 else { return }
        stage = .open
        callOpenSSL { connection.shutdown() }
        // The close_notify's callbacks may have closed the channel.
        guard !isClosed else { return }
        try closeParent(TCL_CLOSE_WRITE)
    }

    /// Checks a pending half-close once the current event is over.
    func scheduleHalfCloseCheck() {
        guard stage == .halfClosing else { return }
        deferred.schedule(.halfCloseCheck, for: self, afterMs: nil)
    }

    private func closeParent(_ direction: Int32) throws {
        let e = ParentChannel.close(parent, interp, direction)
        if e != 0 {
            tcl.pointee.tcl_SetErrno!(e)
            throw TclError("error closing \"\(name)\": \(posixMessage())")
        }
    }

    private func posixMessage() -> String {
        guard let interp else { return String(cString: tcl.pointee.tcl_ErrnoMsg!(tcl.pointee.tcl_GetErrno!())!).lowercased() }
        return String(cString: tcl.pointee.tcl_PosixError!(interp)!).lowercased()
    }
}
