// The channel's side of the handshake: driving it (from the event loop, a
// read or write, or tls::handshake), its deadline (-handshaketimeout), and
// telling the script about failures, each once.
@preconcurrency import CTcl
import Glibc

extension TlsChannel {
    /// Drives the handshake one step; reports a failure once through -command.
    func handshakeStep() -> Connection.Progress {
        if inOpenSSL || isClosed { return .wouldBlock }
        let progress = callOpenSSL { connection.handshake() }
        switch progress {
        case .done:
            deferred.cancel(.handshakeDeadline)
            updateReadPolicy()
            updateParentInterest()
            armTimerIfReadable()
            scheduleHalfCloseCheck()
        case .failed(let message):
            deferred.cancel(.handshakeDeadline)
            updateParentInterest()
            if !told.contains(.handshakeToCommand) && !isClosed && !connection.peerLeftBeforeHello {
                told.insert(.handshakeToCommand)
                notifyError(message)
                registerWithHTTP(message)
            }
        case .wouldBlock:
            updateParentInterest()
        }
        return progress
    }

    /// The handshake as a read, a write or tls::handshake drives it: a
    /// blocking channel with a deadline waits for the socket only until then.
    private func driveHandshake() -> Connection.Progress {
        guard blocking, connection.state == .handshaking, let deadline = handshakeDeadline,
              !inOpenSSL, let fd = ParentChannel.descriptor(parent) else { return handshakeStep() }
        // The socket below is non-blocking meanwhile, waited on with poll.
        _ = ParentChannel.setBlocking(parent, TCL_MODE_NONBLOCKING)
        defer { if !isClosed { _ = ParentChannel.setBlocking(parent, TCL_MODE_BLOCKING) } }
        while true {
            let progress = handshakeStep()
            guard case .wouldBlock = progress, !isClosed else { return progress }
            let left = deadline - MonotonicClock.milliseconds
            if left <= 0 { return expireHandshake() }
            var p = pollfd(fd: fd, events: Int16(connection.readBlocked ? POLLIN : POLLOUT), revents: 0)
            _ = poll(&p, 1, Int32(clamping: left))
        }
    }

    /// `tls::handshake`: 1 when done, 0 while a non-blocking handshake waits.
    func handshakeCommand() throws -> Bool {
        // From a callback of the channel's own OpenSSL call (-command info or
        // message during the handshake): the handshake cannot be driven from
        // inside itself, and a blocking channel must not wait for it there.
        if inOpenSSL {
            if connection.state == .established { return true }
            if !blocking { return false }
            throw TclError("handshake in progress: \"\(name)\" cannot wait for it from inside its own callback",
                           errorCode: ["TLS", "HANDSHAKE", "INPROGRESS"])
        }
        while true {
            switch driveHandshake() {
            case .done: return true
            case .failed(let message):
                told.insert(.handshakeRaised)
                throw TclError(message, errorCode: ["TLS", "HANDSHAKE", "FAILED"])
            case .wouldBlock:
                if isClosed { throw TclError("channel closed during handshake") }
                if !blocking { return false }
            }
        }
    }

    /// Where input and output stand before they may touch the connection.
    enum Readiness {
        case established
        /// Not (yet) possible: the errno to report.
        case unavailable(Int32)
        /// The peer left before TLS began: input reads EOF, output is dropped.
        case peerNeverSpoke
    }

    /// Drives the handshake as far as it goes for a read or write.
    func requireEstablished() -> Readiness {
        if isClosed { return .unavailable(EBADF) }
        switch driveHandshake() {
        case .done: return .established
        case .wouldBlock: return .unavailable(isClosed ? EBADF : EAGAIN)
        case .failed where connection.peerLeftBeforeHello: return .peerNeverSpoke
        case .failed(let message):
            let errno = connection.timedOut ? ETIMEDOUT : ECONNABORTED
            reportError(message, errno)
            told.insert(.handshakeRaised)
            return .unavailable(errno)
        }
    }

    // MARK: the deadline

    /// Starts the deadline's timer: at stacking, and again (with the time
    /// that is left) in a thread the channel moved to.
    func scheduleDeadline() {
        guard let deadline = handshakeDeadline, connection.state == .handshaking else { return }
        deferred.schedule(.handshakeDeadline, for: self, afterMs: max(0, deadline - MonotonicClock.milliseconds))
    }

    /// The deadline passed with the handshake unfinished: it fails, as any
    /// failed handshake does (-command error, then the next read or write).
    @discardableResult
    func expireHandshake() -> Connection.Progress {
        connection.abandonHandshake("handshake timed out")
        return handshakeStep()
    }

    /// The deadline's timer fired: the script's handlers run, so that an
    /// event-driven script's next read reports the failure.
    func handshakeDeadlinePassed() {
        guard connection.state == .handshaking, !inOpenSSL else { return }
        expireHandshake()
        if !isClosed, let channel, watchMask != 0 {
            tcl.pointee.tcl_NotifyChannel!(channel, watchMask)
        }
    }

    // MARK: telling the script

    /// Makes `message` the error of the failing read or write. Tcl takes it as
    /// return options followed by the message; errorCode is the POSIX one.
    func reportError(_ message: String, _ errno: Int32) {
        guard let channel else { return }
        tcl.pointee.tcl_SetErrno!(errno)
        let errorCode = [TclObjects.string("POSIX"), TclObjects.string(String(cString: tcl.pointee.tcl_ErrnoId!()!)),
                         TclObjects.string(String(cString: tcl.pointee.tcl_ErrnoMsg!(errno)!).lowercased())]
        let options = [TclObjects.string("-code"), TclObjects.int(1), TclObjects.string("-level"), TclObjects.int(0),
                       TclObjects.string("-errorcode"), TclObjects.list(errorCode), TclObjects.string(message)]
        tcl.pointee.tcl_SetChannelError!(channel, TclObjects.list(options))
    }

    /// A read or write failed after the handshake: the script's operation
    /// gets the error, and -command hears of it (once).
    func ioFailed(_ errno: Int32, _ message: String?) {
        if let message { reportError(message, errno) }
        if !told.contains(.ioToCommand) && !isClosed {
            told.insert(.ioToCommand)
            notifyError(message ?? String(cString: tcl.pointee.tcl_ErrnoMsg!(errno)!).lowercased())
        }
    }

    /// Tcl's http package reports a request whose socket failed as "failed
    /// to use socket" unless the TLS layer registers the reason with
    /// http::registerError, which it reads for exactly this case.
    private func registerWithHTTP(_ message: String) {
        var info = Tcl_CmdInfo()
        guard let interp, tcl.pointee.tcl_GetCommandInfo!(interp, "::http::registerError", &info) != 0 else { return }
        holdForCallback()
        Callbacks.invoke(interp, TclObjects.string("::http::registerError"),
                         [TclObjects.string(name), TclObjects.string(message)])
    }

    func notifyError(_ message: String) {
        guard let command = options.command, let interp else { return }
        holdForCallback()
        Callbacks.invoke(interp, command.obj, [TclObjects.string("error"), TclObjects.string(name), TclObjects.string(message)])
    }
}
