// Our private key, from a file or from bytes given in memory (-key), PEM or
// DER, of any type OpenSSL reads (RSA, EC, Ed25519, ...).
//
// An encrypted key is unlocked by the -password script (or tls::password) of
// the interpreter whose tls::import names it, and only that interpreter keeps
// the unlocked key (LoadedInterp.unlockedKeys, gone with the interpreter). A
// context made with it is keyed by the unlocked key itself, so another
// interpreter reaches that context only by unlocking the same key with its
// own script; keys given unencrypted are shared by content.
import COpenSSL

/// A decrypted private key; two are equal when their DER encodings are.
final class UnlockedKey: Hashable {
    /// EVP_PKEY*, one reference owned here.
    let pkey: OpaquePointer
    private let digest: String

    init?(_ pkey: OpaquePointer) {
        var der: UnsafeMutablePointer<UInt8>? = nil
        let n = i2d_PrivateKey(pkey, &der)
        guard n > 0, let der else { return nil }
        defer { tls_OPENSSL_free(der) }
        self.pkey = pkey
        digest = Digest.sha256Hex(Array(UnsafeBufferPointer(start: der, count: Int(n))))
    }
    deinit { EVP_PKEY_free(pkey) }

    static func == (a: UnlockedKey, b: UnlockedKey) -> Bool { a.digest == b.digest }
    func hash(into h: inout Hasher) { h.combine(digest) }
}

enum PrivateKey {
    /// The private key as a ContextConfig holds it.
    enum Source: Hashable {
        case file(FileStamp)
        case bytes([UInt8])
        case unlocked(UnlockedKey)

        /// How error messages name it.
        var name: String {
            switch self {
            case .file(let f): return "private key file \"\(f.path)\""
            case .bytes, .unlocked: return "private key from -key"
            }
        }
    }

    /// What an interpreter asked to unlock: a key and the script asked for its password.
    struct UnlockRequest: Hashable {
        let key: Source
        let script: String
    }

    /// `source` as a context may be keyed by: itself, unless it is an
    /// encrypted key, which is unlocked by `interp`'s `script` (or
    /// tls::password), once per interpreter.
    static func resolve(_ source: Source, interp: TclInterp, script: TclObj?) throws -> Source {
        guard needsPassword(source) else { return source }
        let fallback = RetainedObj(TclObjects.string("::tls::password"))
        let prompt = script ?? fallback.obj
        let request = UnlockRequest(key: source, script: TclObjects.toString(prompt))
        let holder = LoadedInterps.entry(for: interp)
        if let known = holder?.unlockedKeys[request] { return .unlocked(known) }
        let asker = PasswordPrompt.Source(interp: interp, script: prompt)
        guard let pkey = try decode(source, asker), let key = UnlockedKey(pkey) else {
            throw SSLErrors.error("error loading \(source.name)", cause: asker.failure)
        }
        if let holder {
            if holder.unlockedKeys.count >= 8 { holder.unlockedKeys.removeAll() }
            holder.unlockedKeys[request] = key
        }
        return .unlocked(key)
    }

    /// The key, decoded without a password (the builder's side; an
    /// encrypted key has been resolved to `.unlocked` before). The caller
    /// frees it.
    static func load(_ source: Source) throws -> OpaquePointer {
        if case .unlocked(let key) = source {
            EVP_PKEY_up_ref(key.pkey)
            return key.pkey
        }
        guard let pkey = try decode(source, PasswordPrompt.Source()) else {
            throw SSLErrors.error("error loading \(source.name)")
        }
        return pkey
    }

    /// Whether decoding asks for a password, remembered per file stamp or
    /// bytes: asked on each tls::import, decoded once. Process-wide, guarded
    /// by its lock, bounded.
    private static let encrypted = Locked<[Source: Bool]>([:])

    private static func needsPassword(_ source: Source) -> Bool {
        if case .unlocked = source { return false }
        if let known = encrypted.withLock({ $0[source] }) { return known }
        let probe = PasswordPrompt.Source()
        let pkey = try? decode(source, probe)
        if let pkey { EVP_PKEY_free(pkey) }
        SSLErrors.clear()
        encrypted.withLock { d in
            if d.count >= 64 { d.removeAll() }
            d[source] = probe.wasAsked
        }
        return probe.wasAsked
    }

    /// Decodes PEM (the first private key among the blocks: a key file may
    /// also hold the certificate) or DER (PKCS#8, encrypted or not, or the
    /// type's own form); nil with OpenSSL's reasons on its error queue.
    private static func decode(_ source: Source, _ asker: PasswordPrompt.Source) throws -> OpaquePointer? {
        let data: [UInt8]
        switch source {
        case .file(let f): data = try f.contents()
        case .bytes(let b): data = b
        case .unlocked(let key): EVP_PKEY_up_ref(key.pkey); return key.pkey
        }
        SSLErrors.clear()
        return withExtendedLifetime(asker) {
            let userdata = Unmanaged.passUnretained(asker).toOpaque()
            if PEM.isPEM(data) {
                return data.withUnsafeBytes { raw -> OpaquePointer? in
                    guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
                    defer { BIO_free(bio) }
                    return PEM_read_bio_PrivateKey(bio, nil, PasswordPrompt.callback, userdata)
                }
            }
            var pkey: OpaquePointer? = nil
            guard let dctx = OSSL_DECODER_CTX_new_for_pkey(&pkey, "DER", nil, nil, tls_EVP_PKEY_KEYPAIR(), nil, nil) else { return nil }
            defer { OSSL_DECODER_CTX_free(dctx) }
            _ = OSSL_DECODER_CTX_set_pem_password_cb(dctx, PasswordPrompt.callback, userdata)
            return data.withUnsafeBufferPointer { buf -> OpaquePointer? in
                var p: UnsafePointer<UInt8>? = buf.baseAddress
                var left = buf.count
                return OSSL_DECODER_from_data(dctx, &p, &left) == 1 ? pkey : nil
            }
        }
    }
}
