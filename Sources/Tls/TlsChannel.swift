// The Tcl channel driver: a channel type stacked on any bidirectional channel.
// A byte's way out: `puts` → Tcl's buffers → output() below →
// Connection.write (SSL_write) → ChannelBIO → Transport → the output proc of
// the channel below (ParentChannel); and back in through input(). The C entry
// points are in TlsChannelType.swift, the handshake in ChannelHandshake.swift,
// the half-close in HalfClose.swift, thread moves in ChannelThreads.swift,
// and everything deferred to the event loop in DeferredWork.swift.
@preconcurrency import CTcl
import COpenSSL
import Glibc

final class TlsChannel {
    /// Our channel in the stack; nil once closed.
    private(set) var channel: Tcl_Channel?
    /// The channel directly below ours.
    let parent: Tcl_Channel
    let connection: Connection
    let name: String
    /// What is kept of the options (KeptOptions.swift); their scripts are
    /// Tcl objects of the thread that holds the channel (see ChannelThreads.swift).
    var options: KeptOptions

    /// Where the channel is in its life (ChannelStage.swift).
    var stage = ChannelStage.open
    /// Failures the script has been told of.
    var told: ToldFailures = []
    /// Timers and idle calls pending on the event loop of this thread.
    var deferred = DeferredWork()
    /// When the handshake must be done (MonotonicClock ms); nil: no deadline.
    let handshakeDeadline: Int?
    /// The interpreter callbacks run in, and where the channel stands
    /// towards the threads (ChannelThreads.swift).
    var bound: LoadedInterp?
    var residence = Residence.settled

    private(set) var blocking: Bool
    private(set) var watchMask: Int32 = 0
    /// Whether an OpenSSL call of ours is running. Events can arrive in the
    /// middle of one: writing to a socket whose -async connect is pending
    /// makes Tcl deliver them right there, and a callback's script may run
    /// the event loop (`update`). They must not start another OpenSSL call,
    /// and a callback's close must leave OpenSSL alone.
    enum OpenSSLCall {
        case none
        case running
        /// Something came up meanwhile (an event from below, a readable
        /// notice, a half-close check): until the call returns the channel
        /// below is not watched and no job is rescheduled, since the socket
        /// stays readable, OpenSSL's buffer stays full, and a nested event
        /// loop would otherwise see the same event for ever.
        case postponing
    }
    private(set) var openSSL = OpenSSLCall.none
    var inOpenSSL: Bool { openSSL != .none }

    func postponeUntilOpenSSLReturns() { openSSL = .postponing }

    /// Runs one OpenSSL call of ours (see OpenSSLCall).
    func callOpenSSL<T>(_ body: () -> T) -> T {
        openSSL = .running
        let result = body()
        let postponed = openSSL == .postponing
        openSSL = .none
        if postponed {
            updateParentInterest()
            armTimerIfReadable()
            scheduleHalfCloseCheck()
        }
        return result
    }

    /// Nesting of our driver procs: Tcl is inside an operation on the
    /// channel (ChannelHold.swift); and whether a callback made us hold it.
    var tclDepth = 0
    var holdsChannel = false
    /// The channel's encoding, referenced while a callback's script may
    /// change it under Tcl's operation (ChannelHold.swift).
    var keptEncoding: Tcl_Encoding?

    private init(parent: Tcl_Channel, pushback: Int, interp: TclInterp, name: String, options: TlsOptions,
                 context: SSLContext, blocking: Bool) throws {
        self.parent = parent
        self.bound = LoadedInterps.entry(for: interp)
        self.name = name
        self.options = KeptOptions(options)
        self.blocking = blocking
        self.handshakeDeadline = options.handshakeTimeoutMs.map { MonotonicClock.milliseconds + $0 }
        self.connection = try Connection(context: context, transport: Transport(parent: parent, pushback: pushback),
                                         options: options)
    }

    // MARK: stacking and unstacking

    /// `tls::import`: stacks TLS on the channel named `chanName`.
    static func stack(_ interp: TclInterp, _ chanName: String, _ options: TlsOptions) throws -> String {
        var mode: Int32 = 0
        guard let bottom = tcl.pointee.tcl_GetChannel!(interp, chanName, &mode) else { throw TclError.fromInterp }
        guard mode & (TCL_READABLE | TCL_WRITABLE) == (TCL_READABLE | TCL_WRITABLE) else {
            throw TclError("channel \"\(chanName)\" must be open for reading and writing")
        }
        // TLS on TLS would wait for a handshake the peer never starts.
        if tcl.pointee.tcl_GetChannelType!(tcl.pointee.tcl_GetTopChannel!(bottom)) == UnsafePointer(TlsChannelType.pointer) {
            throw TclError("channel \"\(chanName)\" already has TLS: tls::import it only once (tls::unimport removes TLS)")
        }
        let context: SSLContext
        if let model = options.model {
            context = try find(interp, model, for: "IMPORT").connection.context
        } else {
            context = try ContextCache.context(for: options, interp: interp)
        }
        let below = tcl.pointee.tcl_GetTopChannel!(bottom)!
        let blocking = ChannelOptions.get(below, "-blocking") != "0"

        // The Swift object's address is the channel's instance data; Tcl
        // holds one reference for the channel's life, dropped in close2Proc.
        // Input Tcl has buffered but the script has not read moves below us
        // when we stack (STARTTLS: the peer's first TLS bytes may be there).
        let pushback = Int(tcl.pointee.tcl_InputBuffered!(bottom))
        let ch = try TlsChannel(parent: below, pushback: pushback, interp: interp, name: chanName,
                                options: options, context: context, blocking: blocking)
        let instance = Unmanaged.passRetained(ch).toOpaque()
        _ = tls_SSL_set_app_data(ch.connection.ssl, instance)
        if options.command != nil { HandshakeCallbacks.installNotifications(on: ch.connection.ssl) }

        guard let top = tcl.pointee.tcl_StackChannel!(interp, TlsChannelType.pointer, instance,
                                                       TCL_READABLE | TCL_WRITABLE, bottom) else {
            ch.stage = .closed
            ch.connection.detachTransport()
            Unmanaged<TlsChannel>.fromOpaque(instance).release()
            throw TclError.fromInterp
        }
        ch.channel = top
        ch.scheduleDeadline()
        return chanName
    }

    /// The TLS channel on top of the stack named `chanName`, or an error whose
    /// errorCode names the command, as TclTLS 2.0's: `TLS STATUS CHANNEL INVALID`.
    static func find(_ interp: TclInterp, _ chanName: String, for command: String) throws -> TlsChannel {
        guard let bottom = tcl.pointee.tcl_GetChannel!(interp, chanName, nil) else { throw TclError.fromInterp }
        let top = tcl.pointee.tcl_GetTopChannel!(bottom)!
        guard tcl.pointee.tcl_GetChannelType!(top) == UnsafePointer(TlsChannelType.pointer),
              let data = tcl.pointee.tcl_GetChannelInstanceData!(top) else {
            throw TclError("bad channel \"\(chanName)\": not a TLS channel",
                           errorCode: ["TLS", command, "CHANNEL", "INVALID"])
        }
        return Unmanaged<TlsChannel>.fromOpaque(data).takeUnretainedValue()
    }

    /// `tls::unimport`: sends close_notify and pops the TLS layer.
    static func unstack(_ interp: TclInterp, _ chanName: String) throws {
        if let bottom = tcl.pointee.tcl_GetChannel!(interp, chanName, nil),
           tcl.pointee.tcl_GetTopChannel!(bottom) == bottom {
            throw TclError("bad channel \"\(chanName)\": not a stacked channel",
                           errorCode: ["TLS", "UNIMPORT", "CHANNEL", "INVALID"])
        }
        let ch = try find(interp, chanName, for: "UNIMPORT")
        guard let top = ch.channel, !ch.isClosed else { throw TclError("channel \"\(chanName)\" is closing") }
        try ch.checkUnstackable()
        let before = ch.stage
        ch.stage = .unstacking
        guard tcl.pointee.tcl_UnstackChannel!(interp, top) == TCL_OK else {
            if ch.stage == .unstacking { ch.stage = before }
            throw TclError.fromInterp
        }
        // The end of the TLS stream (the peer's close_notify) is not the end of
        // the plain one below: a read of zero bytes clears Tcl's EOF state,
        // which Tcl 9 would otherwise report once more on the plain channel.
        var none: CChar = 0
        _ = tcl.pointee.tcl_Read!(ch.parent, &none, 0)
    }

    /// Close or unstack: close_notify, then let go of everything below.
    /// Every piece of deferred work is cancelled; the stage is `.closed`
    /// from here on, whatever called us (a script, a callback's script in
    /// the middle of an OpenSSL call, an interpreter being deleted).
    func close() {
        guard !isClosed else { return }
        let unstacking = stage == .unstacking
        stage = unstacking ? .closed : .closing
        updateReadPolicy()
        restoreScripts()
        deferred.cancelAll()
        releaseKeptEncoding()
        // From inside OpenSSL (a callback's script closed the channel) no
        // further OpenSSL call may be made: no close_notify then.
        if !inOpenSSL {
            let peerLeftFirst = connection.peerClosed
            callOpenSSL { connection.shutdown() }
            if unstacking {
                // We leave TLS first (STARTTLS-and-back): take in the peer's
                // answering close_notify now, so that it does not turn up in the
                // plain stream that follows. Bounded, for peers that never answer.
                if !peerLeftFirst, let fd = ParentChannel.descriptor(parent) {
                    connection.awaitPeerClose(fd: fd, timeoutMs: 2000)
                }
            }
        }
        if !unstacking {
            // Unread bytes (typically TLS 1.3 session tickets) would make the
            // kernel answer our close with a reset, and the peer could lose
            // the data we sent last. Discard what has arrived.
            ParentChannel.discardArrivedInput(parent)
        }
        stage = .closed
        connection.detachTransport()
        channel = nil
        bound = nil
    }

    /// Closing or closed: nothing but the close_notify's callbacks may run.
    var isClosed: Bool { stage == .closing || stage == .closed }

    // MARK: driver procs

    func input(_ buf: UnsafeMutablePointer<CChar>, _ toRead: Int32, _ errorCode: inout Int32) -> Int32 {
        bindIfMovedIn()
        switch requireEstablished() {
        case .established: break
        case .peerNeverSpoke: return 0
        case .unavailable(let e): errorCode = e; return -1
        }
        var more = 0
        let result = callOpenSSL {
            let result = connection.read(buf, Int(toRead))
            // Further records OpenSSL has already read ahead come along.
            if case .count(let n) = result, n < Int(toRead), !isClosed {
                more = connection.readBuffered(buf + n, Int(toRead) - n)
            }
            return result
        }
        armTimerIfReadable()
        switch result {
        case .count(let n): return Int32(n + more)
        case .eof: return 0
        case .wouldBlock: errorCode = EAGAIN; return -1
        case .failed(let e, let message):
            ioFailed(e, message)
            errorCode = e
            return -1
        }
    }

    func output(_ buf: UnsafePointer<CChar>, _ toWrite: Int32, _ errorCode: inout Int32) -> Int32 {
        if toWrite == 0 { return 0 }
        bindIfMovedIn()
        // Once a failed handshake has been reported, output still queued in
        // Tcl is dropped, so that the script's close does not fail again.
        if case .failed = connection.state, told.contains(.handshakeRaised) { return toWrite }
        switch requireEstablished() {
        case .established: break
        case .peerNeverSpoke: return toWrite
        case .unavailable(let e): errorCode = e; return -1
        }
        let result = callOpenSSL {
            blocking ? connection.writeAll(buf, Int(toWrite)) : connection.write(buf, Int(toWrite))
        }
        switch result {
        case .count(let n):
            scheduleHalfCloseCheck()
            return Int32(n)
        case .eof: errorCode = EPIPE; return -1
        case .wouldBlock: errorCode = EAGAIN; updateParentInterest(); return -1
        case .failed(let e, let message):
            ioFailed(e, message)
            errorCode = e
            return -1
        }
    }

    func watch(_ mask: Int32) {
        bindIfMovedIn()
        watchMask = mask
        updateParentInterest()
        armTimerIfReadable()
    }

    /// What the channel below must watch: the script's interest, plus
    /// readability while a handshake waits for the peer. While the handshake
    /// waits to read, the socket's writability means nothing (it would only
    /// wake the event loop again and again): the script's writable handler
    /// runs when the handshake is over.
    func updateParentInterest() {
        guard !isClosed, openSSL != .postponing else { return }
        watchParent(wantedParentMask(), lazily: true)
    }
    private func wantedParentMask() -> Int32 {
        var mask = watchMask
        if connection.state == .handshaking {
            if mask != 0 || stage == .halfClosing { mask |= TCL_READABLE }
            if connection.readBlocked { mask &= ~TCL_WRITABLE }
        }
        return mask
    }

    /// The mask last given to the channel below; nil when not known (a new
    /// thread). Tcl asks our watch proc after every event, mostly for what
    /// is already watched: the socket's notifier interest changes only when
    /// the mask does (Tcl_CreateFileHandler, and epoll_ctl in Tcl 9, each time).
    /// Lazily: readability Tcl no longer wants stays watched until it fires
    /// (handle then drops it). Tcl drops it while it holds buffered input,
    /// typically for the length of one handler, and asks for it again after.
    private var parentMask: Int32?
    private func watchParent(_ wanted: Int32, lazily: Bool) {
        var mask = wanted
        if lazily, let current = parentMask { mask |= current & TCL_READABLE }
        guard mask != parentMask else { return }
        parentMask = mask
        ParentChannel.watch(parent, mask)
    }
    /// Leaving the thread (or postponing events during an OpenSSL call):
    /// nothing is watched from here, and the next watch starts from an
    /// unknown mask.
    func unwatchParent() {
        ParentChannel.watch(parent, 0)
        parentMask = nil
    }

    /// An event from the channel below: returns the events to pass up.
    func handle(_ mask: Int32) -> Int32 {
        if isClosed { return 0 }
        if mask & TCL_READABLE != 0 { connection.transport.noteReadable() }
        if inOpenSSL {
            // Level-triggered: it comes again once the OpenSSL call is over.
            postponeUntilOpenSSLReturns()
            unwatchParent()
            return 0
        }
        if mask & TCL_READABLE != 0 { connection.readBlocked = false }
        // Readability left watched lazily (watchParent) that nobody wants now.
        var mask = mask
        let wanted = wantedParentMask()
        if mask & TCL_READABLE != 0, wanted & TCL_READABLE == 0 {
            watchParent(wanted, lazily: false)
            mask &= ~TCL_READABLE
            if mask == 0 { return 0 }
        }
        guard connection.state == .handshaking, !blocking || stage == .halfClosing else { return mask }
        switch handshakeStep() {
        case .wouldBlock:
            return 0
        case .done:
            // The handshake swallowed the event; the socket is writable again.
            return isClosed ? 0 : (mask | (watchMask & TCL_WRITABLE))
        case .failed:
            // Let the script's handler run: its next read or write reports the error.
            return isClosed ? 0 : watchMask
        }
    }

    /// Decrypted data that the notifier cannot see: wake the script up soon.
    func armTimerIfReadable() {
        if inOpenSSL { return postponeUntilOpenSSLReturns() }
        guard watchMask & TCL_READABLE != 0, connection.state == .established, connection.hasPendingInput else { return }
        deferred.schedule(.readableNotice, for: self, afterMs: 0)
    }

    /// A deferred job is due (DeferredWork.swift); the channel is held alive
    /// meanwhile, and does nothing once closed.
    func perform(_ job: DeferredJob) {
        guard !isClosed, let channel else { return }
        switch job {
        case .readableNotice:
            if inOpenSSL { return postponeUntilOpenSSLReturns() }
            guard watchMask & TCL_READABLE != 0, connection.hasPendingInput else { return }
            tcl.pointee.tcl_NotifyChannel!(channel, TCL_READABLE)
        case .halfCloseCheck:
            try? finishHalfClose()
        case .handshakeDeadline:
            handshakeDeadlinePassed()
        case .releaseEncoding:
            releaseKeptEncoding()
        case .releaseHold:
            releaseHold(now: true)
        }
    }

    /// Tcl sets the mode of every channel of the stack, ours first, then
    /// the one below (each an fcntl pair on a socket): ours only notes it.
    func setBlocking(_ mode: Int32) -> Int32 {
        blocking = mode == TCL_MODE_BLOCKING
        updateReadPolicy()
        return 0
    }

    /// Whether a short read may count as having drained the socket (Transport).
    func updateReadPolicy() {
        connection.transport.mayAssumeDrained = !blocking && !isClosed && connection.state == .established
    }
}
