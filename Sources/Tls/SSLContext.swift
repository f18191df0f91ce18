// One SSL_CTX and what hangs off it, shared by every channel with the same
// configuration (see ContextCache) or named by -model, in any thread.
import COpenSSL

final class SSLContext: @unchecked Sendable {
    /// SSL_CTX*, owned here and freed in deinit.
    let ctx: OpaquePointer
    let isServer: Bool
    /// The latest client session per server name, for resumption via -model.
    /// Each SSL_SESSION* holds one reference, dropped when replaced or in
    /// deinit. Connections of several threads remember and resume sessions
    /// of one context, hence the lock.
    private let sessions = Locked<[String: OpaquePointer]>([:])

    // Set by ContextBuilder while the context is built, before it is shared;
    // read only afterwards.
    /// -sni: each virtual host and its own context.
    var virtualHosts: [(host: VirtualHostConfig, context: SSLContext)] = []
    /// -ocspresponse: the DER response stapled to every handshake.
    var ocspResponse: [UInt8]?
    /// -ticketkeys: the session-ticket keys.
    var ticketKeys: TicketKeys?

    init(ctx: OpaquePointer, isServer: Bool) {
        self.ctx = ctx
        self.isServer = isServer
        // The SSL_CTX points back here (unretained: it lives exactly as long
        // as this object), for callbacks that reach it through an SSL.
        _ = SSL_CTX_set_ex_data(ctx, 0, Unmanaged.passUnretained(self).toOpaque())
    }

    /// The object owning `ctx` (SSL_CTX*), e.g. SSL_get_SSL_CTX of a connection.
    static func of(_ ctx: OpaquePointer?) -> SSLContext? {
        guard let ctx, let p = SSL_CTX_get_ex_data(ctx, 0) else { return nil }
        return Unmanaged<SSLContext>.fromOpaque(p).takeUnretainedValue()
    }

    deinit {
        sessions.withLock { for s in $0.values { SSL_SESSION_free(s) } }
        SSL_CTX_free(ctx)
    }

    /// Remembers `session` (taking a reference) as the one to resume for `name`.
    func remember(session: OpaquePointer, for name: String) {
        guard SSL_SESSION_is_resumable(session) == 1 else { return }
        SSL_SESSION_up_ref(session)
        let old = sessions.withLock { $0.updateValue(session, forKey: name) }
        if let old { SSL_SESSION_free(old) }
    }

    /// A copy of the session to offer when connecting to `name`, if any;
    /// the caller frees it. (OpenSSL marks a TLS 1.3 session as used, so
    /// each connection gets its own copy.)
    func sessionCopy(for name: String) -> OpaquePointer? {
        sessions.withLock { $0[name].flatMap { SSL_SESSION_dup($0) } }
    }
}
