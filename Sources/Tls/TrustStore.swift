// A parsed set of trusted CA certificates (and CRLs), shared by every context
// with the same -cafile/-cadir/-castore/-crlfile/-crldir: loading the system
// bundle is by far the most expensive part of a verified handshake, so it is
// done once per configuration, not once per connection.
import COpenSSL

final class TrustStore {
    /// X509_STORE*, owned here; contexts take their own reference.
    let store: OpaquePointer

    private init(store: OpaquePointer) { self.store = store }
    deinit { X509_STORE_free(store) }

    /// Everything that decides the store's contents; files are named with
    /// their stamps so an edited file is reloaded.
    static func key(_ o: TlsOptions) -> String {
        var parts: [String] = []
        if usesDefaultPaths(o) {
            parts.append("default:\(Environment.get("SSL_CERT_FILE") ?? ""):\(Environment.get("SSL_CERT_DIR") ?? "")")
        }
        if let f = o.caFile { parts.append("cafile:\(FileStamp.of(f))") }
        if let d = o.caDir { parts.append("cadir:\(FileStamp.of(d))") }
        if let s = o.caStore { parts.append("castore:\(s)") }
        if let f = o.crlFile { parts.append("crlfile:\(FileStamp.of(f))") }
        if let d = o.crlDir { parts.append("crldir:\(FileStamp.of(d))") }
        return parts.joined(separator: "|")
    }

    /// OpenSSL's default locations (the system bundle) are loaded when no
    /// CA option is given, unless nothing will be verified: parsing the
    /// bundle takes longer than a whole handshake.
    private static func usesDefaultPaths(_ o: TlsOptions) -> Bool {
        o.caFile == nil && o.caDir == nil && o.caStore == nil && o.effectiveRequest
    }

    /// Shared by all threads: an X509_STORE is safe to use from several
    /// threads once loaded (OpenSSL locks its lazy -cadir lookups).
    private static let cache = LockedCache<TrustStore>(limit: 16)

    /// The store for these options, loaded on first use.
    static func shared(for o: TlsOptions) throws -> TrustStore {
        try cache.value(for: key(o)) { try load(o) }
    }

    private static func load(_ o: TlsOptions) throws -> TrustStore {
        SSLErrors.clear()
        guard let store = X509_STORE_new() else { throw SSLErrors.error("could not create certificate store") }
        let trust = TrustStore(store: store)
        if usesDefaultPaths(o) {
            _ = X509_STORE_set_default_paths(store)
            SSLErrors.clear()
        }
        if let f = o.caFile {
            try FileStamp.requireReadable(f, option: "-cafile", directory: false, sibling: "-cadir")
            guard X509_STORE_load_file(store, f) == 1 else { throw SSLErrors.error("error loading CA file \"\(f)\"") }
        }
        if let d = o.caDir {
            try FileStamp.requireReadable(d, option: "-cadir", directory: true, sibling: "-cafile")
            guard X509_STORE_load_path(store, d) == 1 else { throw SSLErrors.error("error loading CA directory \"\(d)\"") }
        }
        if let s = o.caStore {
            guard X509_STORE_load_store(store, s) == 1 else { throw SSLErrors.error("error loading CA store \"\(s)\"") }
        }
        if o.crlFile != nil || o.crlDir != nil {
            if let f = o.crlFile {
                try FileStamp.requireReadable(f, option: "-crlfile", directory: false, sibling: "-crldir")
                guard let lookup = X509_STORE_add_lookup(store, X509_LOOKUP_file()),
                      X509_load_crl_file(lookup, f, X509_FILETYPE_PEM) > 0 else {
                    throw SSLErrors.error("error loading CRL file \"\(f)\"")
                }
            }
            if let d = o.crlDir {
                try FileStamp.requireReadable(d, option: "-crldir", directory: true, sibling: "-crlfile")
                guard X509_STORE_load_path(store, d) == 1 else { throw SSLErrors.error("error loading CRL directory \"\(d)\"") }
            }
            _ = X509_STORE_set_flags(store, UInt(X509_V_FLAG_CRL_CHECK))
        }
        return trust
    }
}
