// One SSL_CTX and what hangs off it, shared by every channel with the same
// configuration (see ContextCache) or named by -model.
import COpenSSL

final class SSLContext {
    /// SSL_CTX*, owned here and freed in deinit.
    let ctx: OpaquePointer
    let isServer: Bool
    /// The latest client session per server name, for resumption via -model.
    /// Each SSL_SESSION* holds one reference, dropped when replaced or in deinit.
    private var sessions: [String: OpaquePointer] = [:]

    init(ctx: OpaquePointer, isServer: Bool) {
        self.ctx = ctx
        self.isServer = isServer
    }

    deinit {
        for s in sessions.values { SSL_SESSION_free(s) }
        SSL_CTX_free(ctx)
    }

    /// Remembers `session` (taking a reference) as the one to resume for `name`.
    func remember(session: OpaquePointer, for name: String) {
        guard SSL_SESSION_is_resumable(session) == 1 else { return }
        SSL_SESSION_up_ref(session)
        if let old = sessions.updateValue(session, forKey: name) { SSL_SESSION_free(old) }
    }

    /// The session to offer when connecting to `name`, if any (borrowed).
    func session(for name: String) -> OpaquePointer? { sessions[name] }
}
