// One TLS session's state machine: the SSL object, its handshake, reads and
// writes. Bytes reach the socket through ChannelBIO; TlsChannel decides when.
@preconcurrency import CTcl
import COpenSSL
import Glibc

final class Connection {
    /// SSL*, owned here (with its BIO) and freed in deinit.
    let ssl: OpaquePointer
    let context: SSLContext
    let isServer: Bool
    /// The host name the peer's certificate must match (a verifying client's -servername).
    let expectedHost: String?
    /// The channel below; the BIO borrows it, detachTransport cuts it off.
    let transport: Transport

    enum State: Equatable {
        case handshaking
        case established
        case failed(String)
    }
    private(set) var state = State.handshaking
    /// A server's peer connected and closed without sending a byte (a load
    /// balancer's health check): no TLS ever began, and like a plain socket
    /// the channel reads EOF, with no error to report. Set with `.failed`.
    private(set) var peerLeftBeforeHello = false
    /// The handshake was given up at its deadline. Set with `.failed`.
    private(set) var timedOut = false
    /// The last read stopped for want of bytes from below; cleared when the
    /// channel below reports readable. Keeps an incomplete record in OpenSSL's
    /// read-ahead buffer from looking like readable data.
    var readBlocked = false
    /// Server: the -sni host whose certificate is served, nil for the main
    /// one: its pattern and ALPN list only (the whole VirtualHostConfig,
    /// stored inline, made every connection object 0.8 KiB larger).
    struct ServedHost {
        let pattern: String
        let alpn: [String]?
    }
    private(set) var servedHost: ServedHost?
    /// The host's context, kept as long as the SSL uses it.
    private var servedContext: SSLContext?
    /// Client: what -ocsp asked for, and the verdict on the stapled
    /// response; nil without -ocsp (no room taken in every connection).
    private let ocspCheck: OcspCheck?
    var ocsp: OcspResult { ocspCheck?.result ?? OcspResult() }
    /// -pinnedpubkey, and why the peer's key failed it.
    private let pins: PublicKeyPins?
    private var pinMismatch: String?

    enum Progress {
        case done
        case wouldBlock
        case failed(String)
    }

    enum IO {
        case count(Int)
        case wouldBlock
        case eof
        case failed(errno: Int32, message: String?)
    }

    /// A connection over `parent`, configured per `options`. The owning
    /// channel registers itself as the SSL's app data, so callbacks find it.
    init(context: SSLContext, transport: Transport, options o: TlsOptions) throws {
        SSLErrors.clear()
        guard let ssl = SSL_new(context.ctx) else { throw SSLErrors.error("could not create SSL connection") }
        self.ssl = ssl
        self.context = context
        self.isServer = o.server
        self.expectedHost = !o.server && o.effectiveRequest ? o.serverName : nil
        self.transport = transport
        self.ocspCheck = o.server || o.ocsp == .none ? nil : OcspCheck(mode: o.ocsp)
        self.pins = o.pinnedPublicKeys
        let bio = ChannelBIO.make(transport)
        SSL_set_bio(ssl, bio, bio)
        SSL_set_read_ahead(ssl, 1)

        var mode: Int32 = SSL_VERIFY_NONE
        if o.effectiveRequest {
            // The flags TclTLS sets (tls::status shows them in verifyMode); a
            // client ignores FAIL_IF_NO_PEER_CERT and CLIENT_ONCE.
            mode = SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE
            if o.effectiveRequire { mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT }
            if o.postHandshake == true { mode |= SSL_VERIFY_POST_HANDSHAKE }
        }
        // Pinning looks at the peer's certificate even when nothing else is
        // verified (-require 0 -request 0); a server then needs one.
        if pins != nil {
            mode |= SSL_VERIFY_PEER
            if o.server { mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT }
        }
        SSL_set_verify(ssl, mode, HandshakeCallbacks.verify)

        if o.server {
            SSL_set_accept_state(ssl)
            if let sid = o.sessionId {
                _ = SSL_set_session_id_context(ssl, sid, UInt32(min(sid.count, Int(SSL_MAX_SID_CTX_LENGTH))))
            }
        } else {
            SSL_set_connect_state(ssl)
            try configureClient(o)
        }
    }

    deinit { SSL_free(ssl) }

    private func configureClient(_ o: TlsOptions) throws {
        if let name = o.serverName {
            if HostName.isIPAddress(name) {
                if o.effectiveRequest { _ = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) }
            } else {
                _ = tls_SSL_set_tlsext_host_name(ssl, name)
                if o.effectiveRequest {
                    _ = SSL_set1_host(ssl, name)
                    SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
                }
            }
        }
        if let alpn = o.alpn {
            let wire = ALPN.wireFormat(alpn)
            guard SSL_set_alpn_protos(ssl, wire, UInt32(wire.count)) == 0 else { throw SSLErrors.error("bad -alpn") }
        }
        // A session to resume: given as bytes, or remembered by the -model context.
        if let data = o.sessionId {
            guard let session = SessionData.decode(data)?.copy() else {
                throw TclError("bad -session_id: not a session from tls::connection")
            }
            // OpenSSL marks a TLS 1.3 session as used: each connection gets its own copy.
            _ = SSL_set_session(ssl, session)
            SSL_SESSION_free(session)
        } else if o.model != nil, let copy = context.sessions.sessionCopy(for: o.serverName ?? "") {
            _ = SSL_set_session(ssl, copy)
            SSL_SESSION_free(copy)
        }
        if ocspCheck != nil { _ = tls_SSL_set_tlsext_status_type(ssl, TLSEXT_STATUSTYPE_ocsp) }
        SSLErrors.clear()
    }

    /// Server, from the servername callback: present `host`'s certificate.
    func serve(_ host: VirtualHostConfig, _ hostContext: SSLContext) {
        guard SSL_set_SSL_CTX(ssl, hostContext.ctx) != nil else { return }
        servedHost = ServedHost(pattern: host.pattern, alpn: host.alpn)
        servedContext = hostContext
    }

    /// Client, from the status callback: checks the stapled OCSP response;
    /// false fails the handshake (-ocsp require and anything but "good").
    func checkStapledResponse() -> Bool {
        guard let ocspCheck else { return true }
        ocspCheck.result = OcspStatus.check(ssl)
        ocspCheck.rejected = ocspCheck.mode == .require && !ocspCheck.result.isGood
        return !ocspCheck.rejected
    }

    /// The channel below went away (closed under us): the BIO must not touch it.
    func detachTransport() {
        transport.burst.endBurst()
        if let bio = SSL_get_rbio(ssl) { BIO_set_data(bio, nil) }
    }

    /// A read would make progress without the socket: decrypted bytes (or
    /// whole records) wait inside OpenSSL, or the peer's close_notify was
    /// taken in along with the last data and the next read reports EOF.
    var hasPendingInput: Bool {
        SSL_pending(ssl) > 0 || (!readBlocked && SSL_has_pending(ssl) != 0)
            || peerClosed
    }

    func handshake() -> Progress {
        switch state {
        case .established: return .done
        case .failed(let m): return .failed(m)
        case .handshaking: break
        }
        SSLErrors.clear()
        transport.resetError()
        let r = SSL_do_handshake(ssl)
        if r == 1 {
            // A resumed session skipped verification: its key is checked here.
            if let pins, let why = pins.mismatch(SSL_get0_peer_certificate(ssl)) {
                let message = "handshake failed: " + why
                state = .failed(message)
                return .failed(message)
            }
            state = .established
            transport.forgetFirstBytes()
            return .done
        }
        switch SSL_get_error(ssl, r) {
        case SSL_ERROR_WANT_READ:
            readBlocked = true
            return .wouldBlock
        case SSL_ERROR_WANT_WRITE:
            readBlocked = false  // it waits for the socket to take bytes, not to give them
            return .wouldBlock
        case SSL_ERROR_WANT_X509_LOOKUP, SSL_ERROR_WANT_CLIENT_HELLO_CB:
            return .wouldBlock
        default:
            let message = "handshake failed: " + failureReason()
            state = .failed(message)
            peerLeftBeforeHello = isServer && transport.bytesReceived == 0 && transport.reachedEOF
            return .failed(message)
        }
    }

    /// -pinnedpubkey's verdict on the peer's own certificate (verification
    /// depth 0): false, remembering why, when its key is not pinned.
    func acceptsPinned(_ cert: OpaquePointer?) -> Bool {
        guard let pins else { return true }
        pinMismatch = pins.mismatch(cert)
        return pinMismatch == nil
    }

    /// The handshake ran out of time: it fails with `message`, and OpenSSL's
    /// buffers for it are given back now, not when the script closes.
    func abandonHandshake(_ message: String) {
        guard state == .handshaking else { return }
        state = .failed(message)
        timedOut = true
        _ = SSL_free_buffers(ssl)
    }

    /// Why the handshake failed, in OpenSSL's words and what they mean here.
    private func failureReason() -> String {
        if let ocspCheck, ocspCheck.rejected {
            SSLErrors.clear()
            return ocsp.error
        }
        if let pinMismatch {
            SSLErrors.clear()
            return "certificate verify failed due to \"\(pinMismatch)\""
        }
        let errno = transport.lastErrno
        guard let reason = SSLErrors.reason() else {
            if errno != 0 && errno != EAGAIN { return String(cString: strerror(errno)).lowercased() }
            return "connection closed by peer"
        }
        return HandshakeFailure(ssl: ssl, expectedHost: expectedHost, firstBytes: transport.firstBytes).explain(reason)
    }

    // The error queue is drained after every failure, so the hot path need
    // not clear it before each call.
    func read(_ buf: UnsafeMutableRawPointer, _ count: Int) -> IO {
        transport.resetError()
        transport.beginSSLRead()
        let n = SSL_read(ssl, buf, Int32(clamping: count))
        return n > 0 ? .count(Int(n)) : failure(n, reading: true)
    }

    /// Reads what can be had without going to the channel below: records
    /// OpenSSL has already read ahead. Stops at the first incomplete one.
    func readBuffered(_ buf: UnsafeMutableRawPointer, _ count: Int) -> Int {
        guard SSL_has_pending(ssl) != 0 else { return 0 }
        transport.bufferedOnly = true
        defer { transport.bufferedOnly = false }
        var total = 0
        while total < count {
            let n = SSL_read(ssl, buf + total, Int32(clamping: count - total))
            if n <= 0 {
                // An incomplete record, or the peer's close_notify: either is
                // for the next read; only a real error is cleared here.
                if SSL_get_error(ssl, n) != SSL_ERROR_WANT_READ { SSLErrors.clear() }
                break
            }
            total += Int(n)
        }
        return total
    }

    func write(_ buf: UnsafeRawPointer, _ count: Int) -> IO {
        transport.resetError()
        let n = SSL_write(ssl, buf, Int32(clamping: count))
        return n > 0 ? .count(Int(n)) : failure(n, reading: false)
    }

    /// A blocking write of all of `count` bytes, its records leaving the
    /// socket in one system call rather than one per record.
    func writeAll(_ buf: UnsafeRawPointer, _ count: Int) -> IO {
        // One record leaves in one write anyway: no need to collect it.
        let collect = count > Int(SSL3_RT_MAX_PLAIN_LENGTH)
        if collect { transport.cork() }
        var total = 0
        var result = IO.count(0)
        while total < count {
            result = write(buf + total, count - total)
            if case .count(let n) = result {
                total += n
            } else if case .wouldBlock = result, !collect {
                continue  // a signal cut the blocking write short
            } else {
                break
            }
        }
        if collect && !transport.uncork() {
            return .failed(errno: transport.lastErrno, message: nil)
        }
        if total > 0 { return .count(total) }
        return result
    }

    /// What a failed SSL_read/SSL_write means for the channel. A peer that
    /// ends the stream (close_notify, or TCP close without it) is EOF for a
    /// reader and a broken pipe for a writer.
    private func failure(_ n: Int32, reading: Bool) -> IO {
        let ended: IO = reading ? .eof : .failed(errno: EPIPE, message: nil)
        switch SSL_get_error(ssl, n) {
        case SSL_ERROR_ZERO_RETURN:
            return ended
        case SSL_ERROR_WANT_READ:
            if reading { readBlocked = true }
            return .wouldBlock
        case SSL_ERROR_WANT_WRITE:
            return .wouldBlock
        case SSL_ERROR_SYSCALL:
            SSLErrors.clear()
            let e = transport.lastErrno
            return e == 0 ? ended : .failed(errno: e, message: nil)
        default:
            return .failed(errno: ECONNABORTED, message: SSLErrors.reason())
        }
    }

    /// After our close_notify: reads (one record at a time, so that no plain
    /// bytes behind it are swallowed) until the peer's close_notify, EOF, an
    /// error, or `timeoutMs` in all (a peer that keeps sending must not hold
    /// us for ever). Data still arriving is dropped.
    func awaitPeerClose(fd: Int32, timeoutMs: Int32) {
        SSL_set_read_ahead(ssl, 0)
        var scratch = [UInt8](repeating: 0, count: 4096)
        let deadline = MonotonicClock.milliseconds + Int(timeoutMs)
        while !peerClosed {
            let left = deadline - MonotonicClock.milliseconds
            if left <= 0 { break }
            if SSL_has_pending(ssl) == 0 {
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&p, 1, Int32(left)) == 1 else { break }
            }
            switch read(&scratch, scratch.count) {
            case .count, .wouldBlock: continue
            case .eof, .failed: return
            }
        }
        SSLErrors.clear()
    }

    /// The peer's close_notify has arrived.
    var peerClosed: Bool { SSL_get_shutdown(ssl) & SSL_RECEIVED_SHUTDOWN != 0 }

    /// Sends close_notify (once, best effort: a full socket drops it).
    func shutdown() {
        guard state == .established, SSL_get_shutdown(ssl) & SSL_SENT_SHUTDOWN == 0 else { return }
        _ = SSL_shutdown(ssl)
        SSLErrors.clear()
    }
}

enum HostName {
    static func isIPAddress(_ s: String) -> Bool {
        var buf = [UInt8](repeating: 0, count: 16)
        return inet_pton(AF_INET, s, &buf) == 1 || inet_pton(AF_INET6, s, &buf) == 1
    }
}

enum ALPN {
    /// The protocol list as sent on the wire: each name prefixed by its length.
    static func wireFormat(_ names: [String]) -> [UInt8] {
        var out: [UInt8] = []
        for n in names { out.append(UInt8(n.utf8.count)); out += n.utf8 }
        return out
    }

    /// The names in a wire-format list the peer sent (untrusted), each with the
    /// offset of its length byte; parsing stops at the first malformed entry.
    static func entries(_ offered: UnsafeBufferPointer<UInt8>) -> [(offset: Int, name: String)] {
        var entries: [(offset: Int, name: String)] = []
        var i = 0
        while i < offered.count {
            let len = Int(offered[i])
            guard len > 0, i + 1 + len <= offered.count else { break }
            entries.append((i, String(decoding: UnsafeBufferPointer(rebasing: offered[(i + 1)..<(i + 1 + len)]), as: UTF8.self)))
            i += 1 + len
        }
        return entries
    }
}

/// A session given back as bytes (-session_id), decoded. Decoding parses the
/// peer's certificate and key again, about a millisecond each time, so the
/// last few decoded sessions are kept for scripts that resume the same one.
final class SessionData {
    /// SSL_SESSION*, one reference owned here.
    let session: OpaquePointer
    private init(_ session: OpaquePointer) { self.session = session }
    deinit { SSL_SESSION_free(session) }

    /// A fresh copy (certificates shared, not parsed again); the caller frees it.
    func copy() -> OpaquePointer? { SSL_SESSION_dup(session) }

    /// Kept per thread (ThreadState): nothing is gained by sharing them.
    static func decode(_ bytes: [UInt8]) -> SessionData? {
        let state = ThreadState.current
        if let known = state?.decodedSessions[bytes] { return known }
        let decoded: OpaquePointer? = bytes.withUnsafeBufferPointer { buf in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            return d2i_SSL_SESSION(nil, &p, buf.count)
        }
        guard let decoded else { SSLErrors.clear(); return nil }
        let data = SessionData(decoded)
        if let state {
            if state.decodedSessions.count >= 16 { state.decodedSessions.removeAll() }
            state.decodedSessions[bytes] = data
        }
        return data
    }
}
