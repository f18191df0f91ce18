// The Tcl channel driver: a channel type stacked on any bidirectional channel.
// A byte's way out: outputProc → Connection.write (SSL_write) → ChannelBIO →
// the output proc of the channel below; and back in through inputProc.
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
    /// The options; their scripts are Tcl objects of the thread that holds
    /// the channel (see leaveThread/enterThread).
    private(set) var options: TlsOptions

    private(set) var blocking: Bool
    private var watchMask: Int32 = 0
    private var timer: Tcl_TimerToken?
    private(set) var closed = false
    /// -command has been told the handshake failed, or an I/O error.
    private var notifiedFailure = false
    private var notifiedIOFailure = false
    /// A read or write has already told the script the handshake failed.
    private var failureReported = false
    private var halfClosePending = false
    /// Inside an OpenSSL call. Writing to a socket whose -async connect is
    /// still pending makes Tcl deliver the channel's events right there, in
    /// the middle of our own SSL call; those must not start another one.
    private var inOpenSSL = false
    private var idleCheckScheduled = false

    private init(parent: Tcl_Channel, pushback: Int, interp: TclInterp, name: String, options: TlsOptions,
                 context: SSLContext, blocking: Bool) throws {
        self.parent = parent
        self.bound = LoadedInterps.entry(for: interp)
        self.name = name
        self.options = options
        self.blocking = blocking
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
        let context: SSLContext
        if let model = options.model {
            context = try find(interp, model, for: "IMPORT").connection.context
        } else {
            context = try ContextCache.context(for: options, interp: interp)
        }
        let below = tcl.pointee.tcl_GetTopChannel!(bottom)!
        let blocking = ChannelOptions.get(below, "-blocking") != "0"

        // The Swift object's address is the channel's instance data; one
        // reference is held for the channel's life and dropped in close.
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
            ch.connection.detachTransport()
            Unmanaged<TlsChannel>.fromOpaque(instance).release()
            throw TclError.fromInterp
        }
        ch.channel = top
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
        ch.unstacking = true
        defer { ch.unstacking = false }
        guard let top = ch.channel, tcl.pointee.tcl_UnstackChannel!(interp, top) == TCL_OK else {
            throw TclError.fromInterp
        }
        // The end of the TLS stream (the peer's close_notify) is not the end of
        // the plain one below: a read of zero bytes clears Tcl's EOF state,
        // which Tcl 9 would otherwise report once more on the plain channel.
        var none: CChar = 0
        _ = tcl.pointee.tcl_Read!(ch.parent, &none, 0)
    }

    /// `close $chan write` (Tcl 8.6 refuses half-close on stacked channels, so
    /// tls.tcl routes it here): once the handshake is done and Tcl's output is
    /// flushed, send close_notify and shut the channel below for writing.
    /// A non-blocking channel finishes this from the event loop.
    func halfClose(write: Bool) throws {
        guard let channel else { return }
        guard write else { return try closeParent(TCL_CLOSE_READ) }
        if tcl.pointee.tcl_Flush!(channel) != TCL_OK {
            throw TclError("error flushing \"\(name)\": \(posixMessage())")
        }
        halfClosePending = true
        if blocking { _ = try handshakeCommand() } else { _ = handshakeStep() }
        try finishHalfClose()
    }

    /// The rest of a half-close, when nothing stands in its way any more.
    private func finishHalfClose() throws {
        guard halfClosePending, !closed, let channel else { return }
        if case .failed = connection.state { halfClosePending = false; return }
        guard connection.state == .established, tcl.pointee.tcl_OutputBuffered!(channel) == 0 else { return }
        halfClosePending = false
        connection.shutdown()
        try closeParent(TCL_CLOSE_WRITE)
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

    /// Checks a pending half-close once the current event is over.
    private func scheduleHalfCloseCheck() {
        guard halfClosePending, !idleCheckScheduled else { return }
        idleCheckScheduled = true
        tcl.pointee.tcl_DoWhenIdle!(idleFired, Unmanaged.passUnretained(self).toOpaque())
    }

    fileprivate func idle() {
        idleCheckScheduled = false
        try? finishHalfClose()
    }

    // MARK: handshake

    /// Drives the handshake one step; reports a failure once through -command.
    func handshakeStep() -> Connection.Progress {
        if inOpenSSL { return .wouldBlock }
        inOpenSSL = true
        let progress = connection.handshake()
        inOpenSSL = false
        switch progress {
        case .done:
            updateParentInterest()
            armTimerIfReadable()
            scheduleHalfCloseCheck()
        case .failed(let message):
            updateParentInterest()
            if !notifiedFailure && !closed && !connection.peerLeftBeforeHello {
                notifiedFailure = true
                notifyError(message)
                registerWithHTTP(message)
            }
        case .wouldBlock:
            updateParentInterest()
        }
        return progress
    }

    /// `tls::handshake`: 1 when done, 0 while a non-blocking handshake waits.
    func handshakeCommand() throws -> Bool {
        while true {
            switch handshakeStep() {
            case .done: return true
            case .failed(let message):
                failureReported = true
                throw TclError(message, errorCode: ["TLS", "HANDSHAKE", "FAILED"])
            case .wouldBlock:
                if closed { throw TclError("channel closed during handshake") }
                if !blocking { return false }
            }
        }
    }

    /// Where input and output stand before they may touch the connection.
    private enum Readiness {
        case established
        /// Not (yet) possible: the errno to report.
        case unavailable(Int32)
        /// The peer left before TLS began: input reads EOF, output is dropped.
        case peerNeverSpoke
    }

    /// Drives the handshake as far as it goes for a read or write.
    private func requireEstablished() -> Readiness {
        if closed { return .unavailable(EBADF) }
        switch handshakeStep() {
        case .done: return .established
        case .wouldBlock: return .unavailable(closed ? EBADF : EAGAIN)
        case .failed where connection.peerLeftBeforeHello: return .peerNeverSpoke
        case .failed(let message):
            reportError(message, ECONNABORTED)
            failureReported = true
            return .unavailable(ECONNABORTED)
        }
    }

    /// Makes `message` the error of the failing read or write. Tcl takes it as
    /// return options followed by the message; errorCode is the POSIX one.
    private func reportError(_ message: String, _ errno: Int32) {
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
    private func ioFailed(_ errno: Int32, _ message: String?) {
        if let message { reportError(message, errno) }
        if !notifiedIOFailure && !closed {
            notifiedIOFailure = true
            notifyError(message ?? String(cString: tcl.pointee.tcl_ErrnoMsg!(errno)!).lowercased())
        }
    }

    /// Tcl's http package reports a request whose socket failed as "failed
    /// to use socket" unless the TLS layer registers the reason with
    /// http::registerError, which it reads for exactly this case.
    private func registerWithHTTP(_ message: String) {
        var info = Tcl_CmdInfo()
        guard let interp, tcl.pointee.tcl_GetCommandInfo!(interp, "::http::registerError", &info) != 0 else { return }
        Callbacks.invoke(interp, TclObjects.string("::http::registerError"),
                         [TclObjects.string(name), TclObjects.string(message)])
    }

    func notifyError(_ message: String) {
        guard let command = options.command, let interp else { return }
        Callbacks.invoke(interp, command.obj, [TclObjects.string("error"), TclObjects.string(name), TclObjects.string(message)])
    }

    // MARK: driver procs

    fileprivate func input(_ buf: UnsafeMutablePointer<CChar>, _ toRead: Int32, _ errorCode: inout Int32) -> Int32 {
        bindIfMovedIn()
        switch requireEstablished() {
        case .established: break
        case .peerNeverSpoke: return 0
        case .unavailable(let e): errorCode = e; return -1
        }
        inOpenSSL = true
        defer { inOpenSSL = false }
        let result = connection.read(buf, Int(toRead))
        if case .count(let n) = result {
            // Further records OpenSSL has already read ahead come along.
            let more = n < Int(toRead) ? connection.readBuffered(buf + n, Int(toRead) - n) : 0
            armTimerIfReadable()
            return Int32(n + more)
        }
        armTimerIfReadable()
        switch result {
        case .count(let n): return Int32(n)
        case .eof: return 0
        case .wouldBlock: errorCode = EAGAIN; return -1
        case .failed(let e, let message):
            ioFailed(e, message)
            errorCode = e
            return -1
        }
    }

    fileprivate func output(_ buf: UnsafePointer<CChar>, _ toWrite: Int32, _ errorCode: inout Int32) -> Int32 {
        if toWrite == 0 { return 0 }
        bindIfMovedIn()
        // Once a failed handshake has been reported, output still queued in
        // Tcl is dropped, so that the script's close does not fail again.
        if case .failed = connection.state, failureReported { return toWrite }
        switch requireEstablished() {
        case .established: break
        case .peerNeverSpoke: return toWrite
        case .unavailable(let e): errorCode = e; return -1
        }
        inOpenSSL = true
        let result = blocking ? connection.writeAll(buf, Int(toWrite)) : connection.write(buf, Int(toWrite))
        inOpenSSL = false
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

    fileprivate func watch(_ mask: Int32) {
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
    private func updateParentInterest() {
        guard !closed else { return }
        var mask = watchMask
        if connection.state == .handshaking {
            if mask != 0 || halfClosePending { mask |= TCL_READABLE }
            if connection.readBlocked { mask &= ~TCL_WRITABLE }
        }
        ParentChannel.watch(parent, mask)
    }

    /// An event from the channel below: returns the events to pass up.
    fileprivate func handle(_ mask: Int32) -> Int32 {
        if inOpenSSL { return 0 }  // level-triggered: it comes again
        if mask & TCL_READABLE != 0 { connection.readBlocked = false }
        guard connection.state == .handshaking, !blocking || halfClosePending else { return mask }
        switch handshakeStep() {
        case .wouldBlock:
            return 0
        case .done:
            // The handshake swallowed the event; the socket is writable again.
            return closed ? 0 : (mask | (watchMask & TCL_WRITABLE))
        case .failed:
            // Let the script's handler run: its next read or write reports the error.
            return closed ? 0 : watchMask
        }
    }

    /// Decrypted data that the notifier cannot see: wake the script up soon.
    private func armTimerIfReadable() {
        guard !closed, timer == nil, watchMask & TCL_READABLE != 0,
              connection.state == .established, connection.hasPendingInput else { return }
        timer = tcl.pointee.tcl_CreateTimerHandler!(0, timerFired, Unmanaged.passUnretained(self).toOpaque())
    }

    fileprivate func fire() {
        timer = nil
        guard !closed, let channel, watchMask & TCL_READABLE != 0, connection.hasPendingInput else { return }
        tcl.pointee.tcl_NotifyChannel!(channel, TCL_READABLE)
    }

    fileprivate func setBlocking(_ mode: Int32) -> Int32 {
        blocking = mode == TCL_MODE_BLOCKING
        return ParentChannel.setBlocking(parent, mode)
    }

    /// Set by tls::unimport: the channel below lives on, with its unread bytes.
    fileprivate var unstacking = false

    /// Close or unstack: close_notify, then let go of everything below.
    fileprivate func close() {
        guard !closed else { return }
        restoreScripts()
        if let t = timer { tcl.pointee.tcl_DeleteTimerHandler!(t); timer = nil }
        if idleCheckScheduled { tcl.pointee.tcl_CancelIdleCall!(idleFired, Unmanaged.passUnretained(self).toOpaque()) }
        let peerLeftFirst = connection.peerClosed
        connection.shutdown()
        if unstacking {
            // We leave TLS first (STARTTLS-and-back): take in the peer's
            // answering close_notify now, so that it does not turn up in the
            // plain stream that follows. Bounded, for peers that never answer.
            if !peerLeftFirst, let fd = ParentChannel.descriptor(parent) {
                connection.awaitPeerClose(fd: fd, timeoutMs: 2000)
            }
        } else {
            // Unread bytes (typically TLS 1.3 session tickets) would make the
            // kernel answer our close with a reset, and the peer could lose
            // the data we sent last. Discard what has arrived.
            ParentChannel.discardArrivedInput(parent)
        }
        closed = true
        connection.detachTransport()
        channel = nil
        bound = nil
    }

    // MARK: threads

    /// The interpreter callbacks run in: the one that imported the channel;
    /// after a move to another thread, an interpreter of that thread that
    /// loaded the package and holds the channel now. nil when there is none
    /// (callbacks are then skipped) or it was deleted. Not held with
    /// Tcl_Preserve: a preserved interpreter is not deleted while its
    /// thread exits, and its channels would then be closed twice.
    private var bound: LoadedInterp?
    var interp: TclInterp? {
        if let b = bound, b.isUsable { return b.interp }
        guard let channel else { return nil }
        bound = LoadedInterps.holder(of: channel)
        if bound != nil { movedIn = false }
        return bound?.interp
    }

    /// Moved in from another thread, and no interpreter found yet. The
    /// channel's first use here binds it (so that callbacks fired while it is
    /// closed, after it left the interpreter, still find it).
    private var movedIn = false
    private func bindIfMovedIn() { if movedIn { _ = interp } }

    /// The scripts' text after the channel left a thread.
    private var movingScripts: TlsOptions.Scripts?

    /// The scripts as objects of the current thread again.
    private func restoreScripts() {
        guard let scripts = movingScripts else { return }
        movingScripts = nil
        options.enterThread(scripts)
    }

    /// TCL_CHANNEL_THREAD_REMOVE, in the thread the channel leaves: nothing
    /// of that thread (timer, idle call, notifier interest, Tcl objects)
    /// stays tied to the channel. Tcl also calls this right before a close
    /// or an unstack in the same thread; the interpreter stays bound (it is
    /// used only from its own thread) and the scripts are made again there.
    fileprivate func leaveThread() {
        guard !closed, movingScripts == nil else { return }
        if let t = timer { tcl.pointee.tcl_DeleteTimerHandler!(t); timer = nil }
        if idleCheckScheduled {
            tcl.pointee.tcl_CancelIdleCall!(idleFired, Unmanaged.passUnretained(self).toOpaque())
            idleCheckScheduled = false
        }
        if !unstacking { ParentChannel.watch(parent, 0) }
        movingScripts = options.leaveThread()
    }

    /// TCL_CHANNEL_THREAD_INSERT, in the thread that now holds the channel
    /// (also when Tcl stacks it): the scripts become objects of this thread,
    /// and what the channel was waiting for is watched from here.
    fileprivate func enterThread() {
        guard !closed, movingScripts != nil else { return }
        restoreScripts()
        movedIn = true
        updateParentInterest()
        armTimerIfReadable()
        scheduleHalfCloseCheck()
    }
}

/// The channel below ours, driven directly through its driver procs.
enum ParentChannel {
    private static func type(_ c: Tcl_Channel) -> UnsafePointer<Tcl_ChannelType> {
        tcl.pointee.tcl_GetChannelType!(c)!
    }
    private static func data(_ c: Tcl_Channel) -> ClientData? { tcl.pointee.tcl_GetChannelInstanceData!(c) }

    static func watch(_ c: Tcl_Channel, _ mask: Int32) {
        tcl.pointee.tcl_ChannelWatchProc!(type(c))?(data(c), mask)
    }

    /// Reads and drops whatever input the OS already holds for the channel's
    /// descriptor, without blocking; nothing happens for non-socket channels.
    static func discardArrivedInput(_ c: Tcl_Channel) {
        guard let fd = descriptor(c) else { return }
        var scratch = [UInt8](repeating: 0, count: 16384)
        for _ in 0..<64 {
            if recv(fd, &scratch, scratch.count, Int32(MSG_DONTWAIT)) <= 0 { break }
        }
    }

    /// Closes one direction of the channel below (half-close); an errno or 0.
    static func close(_ c: Tcl_Channel, _ interp: TclInterp?, _ direction: Int32) -> Int32 {
        guard let proc = tcl.pointee.tcl_ChannelClose2Proc!(type(c)) else { return EINVAL }
        return proc(data(c), interp, direction)
    }

    /// The OS descriptor the channel reads from, if it has one.
    static func descriptor(_ c: Tcl_Channel) -> Int32? {
        var handle: ClientData? = nil
        guard tcl.pointee.tcl_GetChannelHandle!(c, TCL_READABLE, &handle) == TCL_OK else { return nil }
        return Int32(truncatingIfNeeded: Int(bitPattern: handle))
    }

    static func setBlocking(_ c: Tcl_Channel, _ mode: Int32) -> Int32 {
        guard let proc = tcl.pointee.tcl_ChannelBlockModeProc!(type(c)) else { return 0 }
        return proc(data(c), mode)
    }

    static func setOption(_ c: Tcl_Channel, _ interp: TclInterp?, _ name: UnsafePointer<CChar>?, _ value: UnsafePointer<CChar>?) -> Int32 {
        guard let proc = tcl.pointee.tcl_ChannelSetOptionProc!(type(c)) else {
            return tcl.pointee.tcl_BadChannelOption!(interp, name, "")
        }
        return proc(data(c), interp, name, value)
    }

    static func getOption(_ c: Tcl_Channel, _ interp: TclInterp?, _ name: UnsafePointer<CChar>?, _ ds: UnsafeMutablePointer<Tcl_DString>?) -> Int32 {
        guard let proc = tcl.pointee.tcl_ChannelGetOptionProc!(type(c)) else {
            if name == nil { return TCL_OK }
            return tcl.pointee.tcl_BadChannelOption!(interp, name, "")
        }
        return proc(data(c), interp, UnsafeMutablePointer(mutating: name), ds)
    }
}

/// Reading a channel option's value as a string (the generic ones included).
enum ChannelOptions {
    static func get(_ c: Tcl_Channel, _ name: String) -> String? {
        var ds = Tcl_DString()
        tcl.pointee.tcl_DStringInit!(&ds)
        defer { tcl.pointee.tcl_DStringFree!(&ds) }
        guard tcl.pointee.tcl_GetChannelOption!(nil, c, name, &ds) == TCL_OK else { return nil }
        return String(cString: ds.string)
    }
}

// MARK: the channel type and its C entry points

private func instance(_ cd: ClientData?) -> TlsChannel {
    Unmanaged<TlsChannel>.fromOpaque(cd!).takeUnretainedValue()
}

private func timerFired(_ cd: ClientData?) { instance(cd).fire() }
private func idleFired(_ cd: ClientData?) { instance(cd).idle() }

enum TlsChannelType {
    /// The one channel type record, alive for the process.
    nonisolated(unsafe) static let pointer: UnsafeMutablePointer<Tcl_ChannelType> = {
        let t = UnsafeMutablePointer<Tcl_ChannelType>.allocate(capacity: 1)
        t.initialize(to: Tcl_ChannelType())
        t.pointee.typeName = UnsafePointer(strdup("tls"))
        t.pointee.version = tls_Tcl_ChannelVersion5()
        tls_Tcl_SetClose2Marker(t)
        t.pointee.inputProc = { cd, buf, toRead, errorCode in
            instance(cd).input(buf!, toRead, &errorCode!.pointee)
        }
        t.pointee.outputProc = { cd, buf, toWrite, errorCode in
            instance(cd).output(buf!, toWrite, &errorCode!.pointee)
        }
        t.pointee.setOptionProc = { cd, interp, name, value in
            NoDelay.setOption(instance(cd).parent, interp, name, value)
        }
        t.pointee.getOptionProc = { cd, interp, name, ds in
            NoDelay.getOption(instance(cd).parent, interp, name, ds)
        }
        t.pointee.watchProc = { cd, mask in instance(cd).watch(mask) }
        t.pointee.getHandleProc = { cd, direction, handle in
            tcl.pointee.tcl_GetChannelHandle!(instance(cd).parent, direction, handle)
        }
        t.pointee.close2Proc = { cd, _, flags in
            // Tcl 8.6 refuses half-close on stacked channels before asking us.
            guard flags & (TCL_CLOSE_READ | TCL_CLOSE_WRITE) == 0 else { return EINVAL }
            let unmanaged = Unmanaged<TlsChannel>.fromOpaque(cd!)
            unmanaged.takeUnretainedValue().close()
            unmanaged.release()
            return 0
        }
        t.pointee.blockModeProc = { cd, mode in instance(cd).setBlocking(mode) }
        t.pointee.handlerProc = { cd, mask in instance(cd).handle(mask) }
        t.pointee.threadActionProc = { cd, action in
            if action == TCL_CHANNEL_THREAD_REMOVE { instance(cd).leaveThread() } else { instance(cd).enterThread() }
        }
        return t
    }()
}
