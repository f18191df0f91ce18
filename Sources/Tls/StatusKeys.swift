// The keys of `tls::status` and `tls::connection` (SPEC §5), in the order they
// are returned. This is the one table both the code and the tests read: the
// dictionaries are emitted by walking these lists, so every key is always
// present (an empty string when there is nothing to report).
//
// Where the seed manual and TclTLS 2.0 spell a key differently, both names are
// listed and carry the same value.

enum StatusKeys {
    /// The certificate part of `tls::status` (also the `cert` argument of the
    /// `verify` callback).
    static let certificate: [String] = [
        "all", "version", "serialNumber", "signature", "issuer", "notBefore", "notAfter",
        "subject", "issuerUniqueID", "subjectUniqueID", "num_extensions", "extensions",
        "authorityKeyIdentifier", "subjectKeyIdentifier", "subjectAltName", "ocsp",
        "certificate", "signatureAlgorithm", "signatureValue", "signatureDigest",
        "publicKeyAlgorithm", "publicKey", "bits", "self_signed", "sha1_hash", "sha256_hash",
        "pinnedpubkey",
    ] + certificateBeyondManual

    /// What TclTLS 2.0.1 returns beyond its manual, and 1.7.22's `serial`
    /// (CertificateExtensions has their forms).
    static let certificateBeyondManual: [String] = [
        "signingDigest", "publicKeyHash", "signatureHash", "purpose", "certificatePurpose",
        "extFlags", "selfIssued", "selfSigned", "isProxyCert", "extInvalid", "isCACert",
        "issuerUniqueId", "subjectUniqueId", "extCount", "keyUsage", "issuerAltName", "pathLen",
        "basicConstraintsCA", "extendedKeyUsage", "crlDistributionPoints", "ocspResponders",
        "caIssuers", "alias", "keyId", "serial",
    ]

    /// The session part of `tls::status`, which precedes the certificate part.
    static let session: [String] = [
        "alpn", "cipher", "peername", "protocol", "sbits", "signatureHashAlgorithm",
        "signature_type", "signatureType", "verification", "verifyResult",
        "verifyDepth", "verifyMode", "ca_names",
    ] + ocsp

    /// The verdict on the peer's stapled OCSP response (-ocsp; OcspResult).
    static let ocsp: [String] = [
        "ocsp_status", "ocsp_this_update", "ocsp_next_update", "ocsp_revocation_time",
        "ocsp_revocation_reason", "ocsp_error",
    ]

    /// `tls::connection`: the state group, the cipher group, the session group.
    /// `session` (last) is an extension: the DER of the SSL_SESSION, the value
    /// a client passes back as `-session_id` to resume.
    static let connection: [String] = connectionState + connectionCipher + connectionSession

    static let connectionState: [String] = [
        "state", "servername", "protocol", "renegotiation", "renegotiation_allowed",
        "securitylevel", "security_level", "session_reused", "is_server", "compression",
        "expansion", "caList", "sni_served", "min_protocol", "max_protocol",
        // TclTLS 2.0.1 beyond its manual:
        "init_finished", "is_dtls", "dane_auth", "waiting_for_async", "time-out", "ct_enabled",
        "caListCount",
    ]
    static let connectionCipher: [String] = [
        "cipher", "standard_name", "bits", "algorithm_bits", "secret_bits", "min_version",
        "id", "cipher_id", "cipher_is_aead", "description", "handshake_digest", "group",
        // TclTLS 2.0.1 beyond its manual:
        "openssl_name", "cipherNID", "digestNID", "keyExchangeNID", "authenticationNID",
        "protocol_id",
    ]
    static let connectionSession: [String] = [
        "alpn", "resumable", "start_time", "timeout", "lifetime", "session_id",
        "session_ticket", "ticket_app_data", "master_key", "session_cache_mode", "session",
        // TclTLS 2.0.1 beyond its manual:
        "session_context", "compression_id",
    ]

    /// Pairs of spellings that always carry the same value (seed name, TclTLS
    /// 2.0's name, or 1.7's `serial`).
    static let aliases: [(String, String)] = [
        ("signature_type", "signatureType"), ("verification", "verifyResult"),
        ("renegotiation", "renegotiation_allowed"), ("securitylevel", "security_level"),
        ("bits", "algorithm_bits"), ("id", "cipher_id"),
        ("num_extensions", "extCount"), ("ocsp", "ocspResponders"), ("signatureDigest", "signingDigest"),
        ("issuerUniqueID", "issuerUniqueId"), ("subjectUniqueID", "subjectUniqueId"),
        ("serialNumber", "serial"), ("cipher", "openssl_name"),
    ]

    /// Appends `keys` to `dict` in order, each with its value from `values`, or
    /// with the aliased key's value, or with an empty string.
    static func emit(_ keys: [String], from values: [String: StatusValue], into dict: inout TclDict) {
        for key in keys {
            var value = values[key]
            if value == nil, let alias = aliases.first(where: { $0.0 == key || $0.1 == key }) {
                value = values[alias.0 == key ? alias.1 : alias.0]
            }
            dict.add(key, (value ?? .text("")).object)
        }
    }
}

/// A value of `tls::status`/`tls::connection` before it becomes a Tcl object;
/// kept as Swift data so nothing is allocated in Tcl for a key not emitted.
enum StatusValue: Equatable {
    case text(String)
    case number(Int)
    case flag(Bool)
    case bytes([UInt8])
    case list([String])

    var object: TclObj {
        switch self {
        case .text(let s): return TclObjects.string(s)
        case .number(let n): return TclObjects.int(n)
        case .flag(let b): return TclObjects.bool(b)
        case .bytes(let b): return TclObjects.bytes(b)
        case .list(let l): return TclObjects.stringList(l)
        }
    }
}
