// One SSL_CTX and what hangs off it, shared by every channel with the same
// configuration (see ContextCache) or named by -model, in any thread.
import COpenSSL

final class SSLContext: @unchecked Sendable {
    /// SSL_CTX*, owned here and freed in deinit.
    let ctx: OpaquePointer
    let isServer: Bool
    /// Client sessions per server name, for resumption via -model.
    let sessions = ClientSessionCache()

    init(ctx: OpaquePointer, isServer: Bool) {
        self.ctx = ctx
        self.isServer = isServer
    }

    deinit { SSL_CTX_free(ctx) }
}
