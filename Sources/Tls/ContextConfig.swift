// Everything that shapes an SSL_CTX, as one value derived from a channel's
// options. It is the only input of ContextBuilder and it is itself the key
// of ContextCache: whatever the builder reads is in the key, so two channels
// share a context only when nothing the context was made from differs.
// What is set per connection (server name, ALPN, verify mode, the session to
// resume, callbacks) stays in TlsOptions and is not part of it.

struct ContextConfig: Hashable {
    /// A certificate or key: a file (with its stamp, so a renewed file
    /// makes a new context) or bytes given in memory.
    enum Source: Hashable {
        case file(FileStamp)
        case bytes([UInt8])
    }

    var server: Bool
    var protocols: [ProtocolVersion]
    var certificate: Source?
    var privateKey: Source?
    /// The -password script's text (see UnlockedKey for who may share it).
    var passwordScript: String?
    var cipher: String?
    var cipherSuites: String?
    var securityLevel: Int?
    /// -dhparams (server); nil: OpenSSL's automatic DH.
    var dhParams: FileStamp?
    var postHandshake: Bool
    /// The CA names a server sends when it asks for a client certificate:
    /// those of -cafile, and only when -request/-require make it ask.
    var clientCANames: FileStamp?
    var trust: TrustConfig
    /// SSLKEYLOGFILE as it was when the context was made; nil: no key log.
    var keyLogFile: String?
    // Servers only (clients ignore these options, as they ignore -dhparams,
    // so that tls::init defaults suit both).
    /// -ocspresponse: the DER response to staple.
    var ocspResponse: FileStamp?
    /// -ticketkeys: the session-ticket key file.
    var ticketKeys: FileStamp?
    /// -sni: each virtual host's pattern, ALPN list and own context.
    var virtualHosts: [VirtualHostConfig]

    init(_ o: TlsOptions) {
        server = o.server
        protocols = o.enabledProtocols
        certificate = o.cert.map(Source.bytes) ?? o.certFile.map { .file(FileStamp($0)) }
        privateKey = o.key.map(Source.bytes) ?? (o.keyFile ?? o.certFile).map { .file(FileStamp($0)) }
        passwordScript = o.password.map { TclObjects.toString($0.obj) }
        cipher = o.cipher
        cipherSuites = o.cipherSuites
        securityLevel = o.securityLevel
        dhParams = o.server ? o.dhParams.map(FileStamp.init) : nil
        postHandshake = o.postHandshake == true
        clientCANames = o.server && o.effectiveRequest ? o.caFile.map(FileStamp.init) : nil
        trust = TrustConfig(o)
        keyLogFile = Environment.get("SSLKEYLOGFILE")
        ocspResponse = o.server ? o.ocspResponse.map(FileStamp.init) : nil
        ticketKeys = o.server ? o.ticketKeys.map(FileStamp.init) : nil
        virtualHosts = o.server ? o.sni.map { VirtualHostConfig($0, main: o) } : []
    }
}

/// What of an -sni entry the main context holds: the pattern to match, the
/// ALPN list to choose from, and the configuration of the host's own context.
struct VirtualHostConfig: Hashable {
    let pattern: String
    let alpn: [String]?
    let context: ContextConfig

    init(_ host: VirtualHost, main: TlsOptions) {
        pattern = host.pattern
        alpn = host.overrides.alpn
        context = ContextConfig(host.options(from: main))
    }
}
