// ContextConfig → SSL_CTX: protocols, ciphers, our certificate and key, the
// trust store, DH, session caching and the callbacks every context carries.
// The builder reads nothing but the ContextConfig, which is also the cache
// key. What differs per connection (server name, ALPN list, verify mode,
// session to resume) is set on the SSL object by Connection.
import COpenSSL
import Glibc

enum ContextBuilder {
    static func build(_ c: ContextConfig) throws -> SSLContext {
        SSLErrors.clear()
        guard let ctx = SSL_CTX_new(TLS_method()) else { throw SSLErrors.error("could not create SSL context") }
        let context = SSLContext(ctx: ctx, isServer: c.server)

        let sslOptions = tls_SSL_OP_ALL() | tls_SSL_OP_NO_COMPRESSION() | tls_SSL_OP_IGNORE_UNEXPECTED_EOF()
        _ = SSL_CTX_set_options(ctx, sslOptions)
        // RELEASE_BUFFERS: an idle connection holds no read or write buffer
        // (about 10 KiB of the 26 KiB an idle server connection took).
        _ = tls_SSL_CTX_set_mode(ctx, Int(SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER
                                          | SSL_MODE_RELEASE_BUFFERS))

        if let level = c.securityLevel { SSL_CTX_set_security_level(ctx, Int32(level)) }
        if let s = c.cipher, SSL_CTX_set_cipher_list(ctx, s) != 1 {
            throw SSLErrors.error("bad -cipher \"\(s)\"")
        }
        if let s = c.cipherSuites, SSL_CTX_set_ciphersuites(ctx, s) != 1 {
            throw SSLErrors.error("bad -ciphersuites \"\(s)\"")
        }
        if let s = c.groups, tls_SSL_CTX_set1_groups_list(ctx, s) != 1 {
            throw SSLErrors.error("bad -groups \"\(s)\"")
        }
        // After -securitylevel and -cipher (`@SECLEVEL=0`), which decide what can be honoured.
        let versions = try ProtocolVersion.range(enabled: c.protocols,
                                                 securityLevel: Int(SSL_CTX_get_security_level(ctx)))
        _ = tls_SSL_CTX_set_min_proto_version(ctx, versions.lowerBound.wireVersion)
        _ = tls_SSL_CTX_set_max_proto_version(ctx, versions.upperBound.wireVersion)

        try loadIdentity(ctx, c)

        let trust = try TrustStore.shared(for: c.trust)
        SSL_CTX_set1_cert_store(ctx, trust.store)
        if c.sendsCANames {
            if let f = c.trust.caFile, let names = SSL_load_client_CA_file(f.path) {
                SSL_CTX_set_client_CA_list(ctx, names)
            }
            if let pem = c.trust.caData, let bundle = PEMBundle(pem) {
                for ca in bundle.certificates { _ = SSL_CTX_add_client_CA(ctx, ca) }
            }
        }
        SSLErrors.clear()

        if c.server {
            try loadDHParams(ctx, c.dhParams)
            let sid: [UInt8] = Array("tcl-tls".utf8)
            _ = SSL_CTX_set_session_id_context(ctx, sid, UInt32(sid.count))
            _ = tls_SSL_CTX_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_SERVER))
            // A context serves every connection of a server now, so its
            // session cache lives as long as the server: OpenSSL's default
            // (20,480 sessions, kept two hours) holds about 1 KiB for each
            // TLS 1.2 client that does not use tickets, up to 20 MB. Bounded
            // and expired as web servers do; tickets are not stored at all.
            _ = tls_SSL_CTX_sess_set_cache_size(ctx, ServerSessionCache.maxSessions)
            _ = SSL_CTX_set_timeout(ctx, ServerSessionCache.lifetimeSeconds)
        } else {
            _ = tls_SSL_CTX_set_session_cache_mode(ctx, Int(SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE))
        }
        if c.postHandshake { SSL_CTX_set_post_handshake_auth(ctx, 1) }
        if c.server { try loadServerExtras(context, c) }
        HandshakeCallbacks.install(on: context)
        if c.keyLogFile != nil { KeyLog.install(on: ctx) }
        return context
    }

    /// Our certificate and private key, from files or DER bytes.
    private static func loadIdentity(_ ctx: OpaquePointer, _ c: ContextConfig) throws {
        switch c.certificate {
        case .bytes(let pem)? where PEM.isPEM(pem):
            // Our certificate first, then the intermediates to send with it.
            guard let bundle = PEMBundle(pem), let leaf = bundle.certificates.first else {
                throw SSLErrors.error("error loading certificate from -cert: no certificate in the PEM text")
            }
            guard SSL_CTX_use_certificate(ctx, leaf) == 1 else { throw SSLErrors.error("error using certificate from -cert") }
            for ca in bundle.certificates.dropFirst() where tls_SSL_CTX_add1_chain_cert(ctx, ca) != 1 {
                throw SSLErrors.error("error using the chain of -cert")
            }
        case .bytes(let der)?:
            guard SSL_CTX_use_certificate_ASN1(ctx, Int32(der.count), der) == 1 else {
                throw SSLErrors.error("error loading certificate from -cert")
            }
        case .file(let f)?:
            try f.requireReadable()
            guard SSL_CTX_use_certificate_chain_file(ctx, f.path) == 1 else {
                throw SSLErrors.error("error loading certificate file \"\(f.path)\"")
            }
        case nil: break
        }
        if let source = c.privateKey {
            let key = try PrivateKey.load(source)
            defer { EVP_PKEY_free(key) }
            guard SSL_CTX_use_PrivateKey(ctx, key) == 1 else { throw SSLErrors.error("error using \(source.name)") }
        }
        if c.certificate != nil || c.privateKey != nil {
            guard SSL_CTX_check_private_key(ctx) == 1 else {
                throw SSLErrors.error("private key does not match the certificate")
            }
        }
    }

    // -ocspresponse, -ticketkeys and -sni (servers only).
    private static func loadServerExtras(_ context: SSLContext, _ c: ContextConfig) throws {
        if let f = c.ocspResponse { context.ocspResponse = try OcspStatus.readResponse(f.path) }
        if let f = c.ticketKeys { context.ticketKeys = try TicketKeys(file: f.path) }
        context.virtualHosts = try c.virtualHosts.map { host in
            do {
                return (host, try ContextCache.context(for: host.context))
            } catch let e as TclError where e.message != nil {
                throw TclError("-sni \(host.pattern): \(e.message ?? "error")", errorCode: e.errorCode)
            }
        }
    }

    private static func loadDHParams(_ ctx: OpaquePointer, _ stamp: FileStamp?) throws {
        guard let stamp else {
            _ = tls_SSL_CTX_set_dh_auto(ctx, 1)
            return
        }
        try stamp.requireReadable()
        let file = stamp.path
        guard let bio = BIO_new_file(file, "r") else { throw SSLErrors.error("error reading DH parameters \"\(file)\"") }
        defer { BIO_free(bio) }
        guard let params = PEM_read_bio_Parameters(bio, nil) else {
            throw SSLErrors.error("error reading DH parameters \"\(file)\"")
        }
        guard SSL_CTX_set0_tmp_dh_pkey(ctx, params) == 1 else {
            EVP_PKEY_free(params)
            throw SSLErrors.error("error using DH parameters \"\(file)\"")
        }
    }
}

/// The bounds of a server context's session cache (see the manual, SESSION RESUMPTION).
enum ServerSessionCache {
    static let maxSessions = 1024
    /// Also the lifetime a TLS 1.3 ticket is issued with.
    static let lifetimeSeconds = 300
}

/// Cached contexts: channels with equal configuration share one SSL_CTX,
/// in every thread (OpenSSL allows SSL objects to be made from one SSL_CTX
/// in several threads at once; a context is not changed once built, and the
/// -password script runs only while it is built, in the caller's thread).
enum ContextCache {
    private static let contexts = LockedCache<ContextConfig, SSLContext>(limit: 32)

    static func context(for o: TlsOptions, interp: TclInterp) throws -> SSLContext {
        try context(for: ContextConfig(o, interp: interp))
    }

    static func context(for config: ContextConfig) throws -> SSLContext {
        try contexts.value(for: config) { try ContextBuilder.build(config) }
    }
}

enum Digest {
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        var md = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 0
        _ = EVP_Digest(bytes, bytes.count, &md, &len, EVP_sha256(), nil)
        return Hex.encode(md[0..<Int(len)])
    }
}

enum Hex {
    static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
