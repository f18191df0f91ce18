// The BIO that moves TLS records between OpenSSL and the channel below the
// TLS layer. With OpenSSL's read-ahead, a read for a record's header may take
// the whole record, and the next header with it: one system call per record,
// never a header and a body apart.
@preconcurrency import CTcl
import COpenSSL
import Glibc

/// The channel below, as the BIO uses it: its driver's input and output procs
/// are called directly. Tcl_ReadRaw would also do, but it records EOF and
/// "blocked" in the state that the whole stack shares, and reads we make
/// outside our own input proc (driving a handshake from the event loop) would
/// then make the script's next gets see an EOF that is not its own. Bytes Tcl
/// had already buffered when TLS was stacked (STARTTLS) are read first.
final class Transport {
    let parent: Tcl_Channel
    private let instance: ClientData?
    private let inputProc: Tcl_DriverInputProc
    private let outputProc: Tcl_DriverOutputProc
    /// Bytes waiting in the pushback area of `parent`, served by Tcl_ReadRaw.
    private var pushback: Int
    /// errno of the last failed transfer since resetError().
    private(set) var lastErrno: Int32 = 0
    func resetError() { lastErrno = 0 }
    /// Bytes received from below so far, and whether a read from below has
    /// seen its end: a peer that left without sending a byte never began TLS.
    private(set) var bytesReceived = 0
    private(set) var reachedEOF = false
    /// The first bytes received: what a peer that does not speak TLS sent.
    /// Only a failing handshake looks at them; given back once it is done.
    private(set) var firstBytes: [UInt8] = []
    private var keepsFirstBytes = true
    func forgetFirstBytes() {
        keepsFirstBytes = false
        firstBytes = []
    }

    /// Corks the socket for a fast stream of writes (see BurstCork).
    let burst: BurstCork

    init(parent: Tcl_Channel, pushback: Int) {
        burst = BurstCork(parent: parent)
        let type = tcl.pointee.tcl_GetChannelType!(parent)!
        self.parent = parent
        self.instance = tcl.pointee.tcl_GetChannelInstanceData!(parent)
        self.inputProc = tcl.pointee.tcl_ChannelInputProc!(type)!
        self.outputProc = tcl.pointee.tcl_ChannelOutputProc!(type)!
        self.pushback = pushback
    }

    enum Result { case count(Int), wouldBlock, eof, failed }

    /// While set, reads report "would block" instead of asking the channel
    /// below: used to take further records only from what OpenSSL has
    /// already read ahead, even on a blocking channel.
    var bufferedOnly = false

    /// One read from below per readable event, as nginx does: after a read
    /// that took less than it asked for, the socket counts as drained for a
    /// moment, and the reads of later SSL_read calls report "would block"
    /// without a system call (the read a script's `gets` loop makes after
    /// its last line) until a readable event comes (`noteReadable`). The same
    /// SSL_read may still ask again (the rest of a record that came in
    /// pieces). Only while the channel is non-blocking and established
    /// (TlsChannel sets `mayAssumeDrained`); a read after the moment asks the
    /// socket again, so a script that polls without the event loop still
    /// gets its data.
    var mayAssumeDrained = false {
        didSet { if !mayAssumeDrained { drainedSince = 0 } }
    }
    /// When a short read last found the socket drained (monotonic ns), or 0,
    /// and in which SSL_read call (`sslReadCalls`).
    private var drainedSince: UInt64 = 0
    private var drainedInCall = 0
    private var sslReadCalls = 0
    static let drainedNanoseconds: UInt64 = 1_000_000
    func noteReadable() { drainedSince = 0 }
    /// Connection calls this before each SSL_read.
    func beginSSLRead() { sslReadCalls &+= 1 }

    /// While corked, writes collect here and leave in one write at uncork.
    private var corked = false
    private var held: [UInt8] = []

    func cork() { corked = true }

    /// Sends what was collected, waiting as a blocking channel does.
    func uncork() -> Bool {
        corked = false
        defer { held.removeAll(keepingCapacity: true) }
        var sent = 0
        return held.withUnsafeBufferPointer { all in
            all.withMemoryRebound(to: CChar.self) { bytes in
                while sent < bytes.count {
                    switch write(bytes.baseAddress! + sent, Int32(bytes.count - sent)) {
                    case .count(let n): sent += n
                    case .wouldBlock, .eof: continue
                    case .failed: return false
                    }
                }
                return true
            }
        }
    }

    /// The most one read from below takes: a record of the largest size
    /// and the header of the next. OpenSSL moves what is left unprocessed
    /// in its buffer to the front before each record, so reading several
    /// records at once costs a copy of all but the first (and profiles show
    /// copies cost more here than system calls).
    static let readLimit = Int32(SSL3_RT_HEADER_LENGTH + SSL3_RT_MAX_TLS13_ENCRYPTED_LENGTH + SSL3_RT_HEADER_LENGTH)

    func read(_ buf: UnsafeMutablePointer<CChar>, _ len: Int32) -> Result {
        if bufferedOnly { return .wouldBlock }
        let len = min(len, Transport.readLimit)
        if pushback > 0 {
            let n = tcl.pointee.tcl_ReadRaw!(parent, buf, Tcl_Size(min(Int(len), pushback)))
            if n > 0 {
                pushback -= Int(n)
                received(buf, Int(n))
                return .count(Int(n))
            }
            pushback = 0
        }
        // Reading from below ends a burst of writes: what it holds may be
        // what the peer must see before it answers.
        burst.endBurst()
        if drainedSince != 0 && drainedInCall != sslReadCalls {
            if MonotonicClock.nanoseconds &- drainedSince < Transport.drainedNanoseconds { return .wouldBlock }
            drainedSince = 0
        }
        var err: Int32 = 0
        let n = inputProc(instance, buf, len, &err)
        if n > 0 {
            received(buf, Int(n))
            if mayAssumeDrained && n < len {
                drainedSince = MonotonicClock.nanoseconds
                drainedInCall = sslReadCalls
            }
            return .count(Int(n))
        }
        if n == 0 { reachedEOF = true; return .eof }
        return classify(err)
    }

    private func received(_ buf: UnsafeMutablePointer<CChar>, _ n: Int) {
        if keepsFirstBytes && bytesReceived < HandshakeFailure.keptBytes {
            let take = min(n, HandshakeFailure.keptBytes - bytesReceived)
            firstBytes += UnsafeRawBufferPointer(start: buf, count: take)
        }
        bytesReceived += n
    }

    func write(_ buf: UnsafePointer<CChar>, _ len: Int32) -> Result {
        if corked {
            held.append(contentsOf: UnsafeRawBufferPointer(start: buf, count: Int(len)))
            return .count(Int(len))
        }
        burst.willWrite(Int(len))
        var err: Int32 = 0
        let n = outputProc(instance, buf, len, &err)
        if n > 0 { return .count(Int(n)) }
        return n == 0 ? .wouldBlock : classify(err)
    }

    private func classify(_ err: Int32) -> Result {
        if err == EAGAIN || err == EWOULDBLOCK || err == EINTR { return .wouldBlock }
        lastErrno = err
        return .failed
    }
}

enum ChannelBIO {
    /// One method table for every channel's BIO, made on first use.
    nonisolated(unsafe) private static let method: OpaquePointer = {
        let m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "tcl channel")!
        BIO_meth_set_write(m, bioWrite)
        BIO_meth_set_read(m, bioRead)
        BIO_meth_set_ctrl(m, bioCtrl)
        BIO_meth_set_create(m, { bio in BIO_set_init(bio, 1); return 1 })
        BIO_meth_set_destroy(m, { _ in 1 })
        return m
    }()

    /// A BIO over `transport`, which must outlive it or be detached first;
    /// SSL_set_bio takes ownership of the BIO.
    static func make(_ transport: Transport) -> OpaquePointer {
        let bio = BIO_new(method)!
        BIO_set_data(bio, Unmanaged.passUnretained(transport).toOpaque())
        return bio
    }
}

/// The transport, or nil once the TLS channel was closed under OpenSSL (a
/// callback closed it mid-handshake): then every transfer fails.
private func transport(_ bio: OpaquePointer?) -> Transport? {
    BIO_get_data(bio).map { Unmanaged<Transport>.fromOpaque($0).takeUnretainedValue() }
}

private func bioRead(_ bio: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ len: Int32) -> Int32 {
    tls_BIO_clear_retry_flags(bio)
    guard let t = transport(bio), let buf else { return -1 }
    switch t.read(buf, len) {
    case .count(let n): return Int32(n)
    case .eof: return 0
    case .wouldBlock: tls_BIO_set_retry_read(bio); return -1
    case .failed: return -1
    }
}

private func bioWrite(_ bio: OpaquePointer?, _ buf: UnsafePointer<CChar>?, _ len: Int32) -> Int32 {
    tls_BIO_clear_retry_flags(bio)
    guard let t = transport(bio), let buf else { return -1 }
    switch t.write(buf, len) {
    case .count(let n): return Int32(n)
    case .wouldBlock, .eof: tls_BIO_set_retry_write(bio); return -1
    case .failed: return -1
    }
}

private func bioCtrl(_ bio: OpaquePointer?, _ cmd: Int32, _ num: Int, _ ptr: UnsafeMutableRawPointer?) -> Int {
    switch cmd {
    case BIO_CTRL_FLUSH, BIO_CTRL_DUP: return 1
    default: return 0
    }
}
