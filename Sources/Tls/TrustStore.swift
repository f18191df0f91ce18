// A parsed set of trusted CA certificates (and CRLs), shared by every context
// with the same trust configuration: loading the system bundle is by far the
// most expensive part of a verified handshake, so it is done once per
// configuration, not once per connection.
import COpenSSL

/// Everything that decides a trust store's contents: the store's only input
/// and its cache key. Files carry their stamps, so an edited file is reloaded.
struct TrustConfig: Hashable {
    /// OpenSSL's default locations, as SSL_CERT_FILE/SSL_CERT_DIR name them;
    /// nil when they are not loaded.
    var defaultPaths: [String?]?
    var caFile: FileStamp?
    var caDir: FileStamp?
    var caStore: String?
    var crlFile: FileStamp?
    var crlDir: FileStamp?
    /// -cadata: PEM text of CA certificates and CRLs.
    var caData: [UInt8]?

    init(_ o: TlsOptions) {
        // The system bundle is loaded when no CA option is given, unless
        // nothing will be verified: parsing it takes longer than a handshake.
        if o.caFile == nil && o.caDir == nil && o.caStore == nil && o.caData == nil && o.effectiveRequest {
            defaultPaths = [Environment.get("SSL_CERT_FILE"), Environment.get("SSL_CERT_DIR")]
        }
        caFile = o.caFile.map(FileStamp.init)
        caDir = o.caDir.map(FileStamp.init)
        caStore = o.caStore
        crlFile = o.crlFile.map(FileStamp.init)
        crlDir = o.crlDir.map(FileStamp.init)
        caData = o.caData
    }
}

final class TrustStore {
    /// X509_STORE*, owned here; contexts take their own reference.
    let store: OpaquePointer

    private init(store: OpaquePointer) { self.store = store }
    deinit { X509_STORE_free(store) }

    /// Shared by all threads: an X509_STORE is safe to use from several
    /// threads once loaded (OpenSSL locks its lazy -cadir lookups).
    private static let cache = LockedCache<TrustConfig, TrustStore>(limit: 16)

    /// The store for this configuration, loaded on first use.
    static func shared(for c: TrustConfig) throws -> TrustStore {
        try cache.value(for: c) { try load(c) }
    }

    private static func load(_ c: TrustConfig) throws -> TrustStore {
        SSLErrors.clear()
        guard let store = X509_STORE_new() else { throw SSLErrors.error("could not create certificate store") }
        let trust = TrustStore(store: store)
        if c.defaultPaths != nil {
            _ = X509_STORE_set_default_paths(store)
            SSLErrors.clear()
        }
        if let f = c.caFile {
            try f.requireReadable(option: "-cafile", directory: false, sibling: "-cadir")
            guard X509_STORE_load_file(store, f.path) == 1 else { throw SSLErrors.error("error loading CA file \"\(f.path)\"") }
        }
        if let d = c.caDir {
            try d.requireReadable(option: "-cadir", directory: true, sibling: "-cafile")
            guard X509_STORE_load_path(store, d.path) == 1 else { throw SSLErrors.error("error loading CA directory \"\(d.path)\"") }
        }
        if let s = c.caStore {
            guard X509_STORE_load_store(store, s) == 1 else { throw SSLErrors.error("error loading CA store \"\(s)\"") }
        }
        if let pem = c.caData {
            guard let bundle = PEMBundle(pem), !(bundle.certificates.isEmpty && bundle.crls.isEmpty) else {
                throw SSLErrors.error("error loading CA certificates from -cadata: no certificate or CRL in the PEM text")
            }
            for ca in bundle.certificates where X509_STORE_add_cert(store, ca) != 1 {
                throw SSLErrors.error("error using a CA certificate of -cadata")
            }
            for crl in bundle.crls where X509_STORE_add_crl(store, crl) != 1 {
                throw SSLErrors.error("error using a CRL of -cadata")
            }
            if !bundle.crls.isEmpty { _ = X509_STORE_set_flags(store, UInt(X509_V_FLAG_CRL_CHECK)) }
        }
        if c.crlFile != nil || c.crlDir != nil {
            if let f = c.crlFile {
                try f.requireReadable(option: "-crlfile", directory: false, sibling: "-crldir")
                guard let lookup = X509_STORE_add_lookup(store, X509_LOOKUP_file()),
                      X509_load_crl_file(lookup, f.path, X509_FILETYPE_PEM) > 0 else {
                    throw SSLErrors.error("error loading CRL file \"\(f.path)\"")
                }
            }
            if let d = c.crlDir {
                try d.requireReadable(option: "-crldir", directory: true, sibling: "-crlfile")
                guard X509_STORE_load_path(store, d.path) == 1 else { throw SSLErrors.error("error loading CRL directory \"\(d.path)\"") }
            }
            _ = X509_STORE_set_flags(store, UInt(X509_V_FLAG_CRL_CHECK))
        }
        return trust
    }
}
