// One SSL_CTX and what hangs off it, shared by every channel with the same
// configuration (see ContextCache) or named by -model, in any thread.
import COpenSSL

final class SSLContext: @unchecked Sendable {
    /// SSL_CTX*, owned here and freed in deinit.
    let ctx: OpaquePointer
    let isServer: Bool
    /// Client sessions per server name, for resumption via -model.
    let sessions = ClientSessionCache()

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

    deinit { SSL_CTX_free(ctx) }
}
