// Everything that shapes an SSL_CTX, as one value derived from a channel's
// options. It is the only input of ContextBuilder and it is itself the key
// of ContextCache: whatever the builder reads is in the key, so two channels
// share a context only when nothing the context was made from differs.
// What is set per connection (server name, ALPN, verify mode, the session to
// resume, callbacks) stays in TlsOptions and is not part of it.
@preconcurrency import CTcl

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
    /// An encrypted key is here as the key unlocked by the interpreter's
    /// -password script (see PrivateKey), so it is shared by no other.
    var privateKey: PrivateKey.Source?
    var cipher: String?
    var cipherSuites: String?
    /// -groups: key-exchange groups (OpenSSL's list syntax).
    var groups: String?
    var securityLevel: Int?
    /// -dhparams (server); nil: OpenSSL's automatic DH.
    var dhParams: FileStamp?
    var postHandshake: Bool
    /// A server that asks for a client certificate (-request/-require)
    /// sends the names of the CAs of -cafile and -cadata.
    var sendsCANames: Bool
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

    init(_ o: TlsOptions, interp: TclInterp) throws {
        server = o.server
        protocols = o.enabledProtocols
        certificate = o.cert.map(Source.bytes) ?? o.certFile.map { .file(FileStamp($0)) }
        let key = o.key.map(PrivateKey.Source.bytes) ?? (o.keyFile ?? o.certFile).map { .file(FileStamp($0)) }
        privateKey = try key.map { try PrivateKey.resolve($0, interp: interp, script: o.password?.obj) }
        cipher = o.cipher
        cipherSuites = o.cipherSuites
        groups = o.groups
        securityLevel = o.securityLevel
        dhParams = o.server ? o.dhParams.map(FileStamp.init) : nil
        postHandshake = o.postHandshake == true
        sendsCANames = o.server && o.effectiveRequest
        trust = TrustConfig(o)
        // A safe interpreter's channels write no key log: the file is one
        // it could not open.
        keyLogFile = tcl.pointee.tcl_IsSafe!(interp) != 0 ? nil : Environment.get("SSLKEYLOGFILE")
        ocspResponse = o.server ? o.ocspResponse.map(FileStamp.init) : nil
        ticketKeys = o.server ? o.ticketKeys.map(FileStamp.init) : nil
        virtualHosts = o.server ? try o.sni.map { try VirtualHostConfig($0, main: o, interp: interp) } : []
    }
}

/// What of an -sni entry the main context holds: the pattern to match, the
/// ALPN list to choose from, and the configuration of the host's own context.
struct VirtualHostConfig: Hashable {
    let pattern: String
    let alpn: [String]?
    let context: ContextConfig

    init(_ host: VirtualHost, main: TlsOptions, interp: TclInterp) throws {
        pattern = host.pattern
        alpn = host.overrides.alpn
        context = try ContextConfig(host.options(from: main), interp: interp)
    }
}
