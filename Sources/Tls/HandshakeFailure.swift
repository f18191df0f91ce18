// The message of a failed handshake, worded to lead to the fix: OpenSSL's
// reason first, unchanged (scripts match on it, e.g. "certificate verify
// failed"), then what it means here: the names a certificate holds when they
// do not match, which option trusts an unknown issuer, what a peer that does
// not speak TLS sent.
import COpenSSL

struct HandshakeFailure {
    /// SSL* of the failed connection (borrowed).
    let ssl: OpaquePointer
    /// The host name the peer's certificate had to match, if any.
    let expectedHost: String?
    /// The first bytes the peer sent.
    let firstBytes: [UInt8]

    /// `reason` (OpenSSL's last one) with the verification detail and a hint.
    func explain(_ reason: String) -> String {
        if reason.contains("certificate verify failed") {
            let verify = Int32(SSL_get_verify_result(ssl))
            guard verify != X509_V_OK else { return reason }
            let detail = "\(reason) due to \"\(String(cString: X509_verify_cert_error_string(Int(verify))))\""
            guard let hint = verificationHint(verify) else { return detail }
            return "\(detail): \(hint)"
        }
        if Self.notTLSReasons.contains(reason), let hint = notTLSHint() {
            return "\(reason): \(hint)"
        }
        return reason
    }

    /// What OpenSSL says when the bytes that came were not a TLS record.
    private static let notTLSReasons: Set<String> = ["wrong version number", "http request", "https proxy request"]

    // MARK: verification

    private func verificationHint(_ verify: Int32) -> String? {
        switch verify {
        case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH:
            let asked = expectedHost.map { "asked for \"\($0)\", " } ?? ""
            guard let leaf = peerChain.first else { return nil }
            let names = certificateNames(leaf).map { "\"\($0)\"" }.joined(separator: ", ")
            return "\(asked)the certificate is for \(names.isEmpty ? "no host name" : names)"
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
            return "the certificate is self-signed; to trust it, name it (or the CA that issued it) with -cafile"
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
             X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            let issuer = peerChain.last.map {
                "\"\(CertificateInfo.distinguishedName(X509_get_issuer_name($0)))\" "
            } ?? ""
            return "the issuer \(issuer)is not a trusted CA; name its certificate with -cafile, or a directory of CAs with -cadir"
        default:
            return nil
        }
    }

    /// The certificates the peer sent, its own first (set even when
    /// verification failed: OpenSSL keeps the chain it was given).
    private var peerChain: [OpaquePointer] {
        guard let chain = SSL_get_peer_cert_chain(ssl) else { return [] }
        return (0..<tls_sk_X509_num(chain)).compactMap { tls_sk_X509_value(chain, $0) }
    }

    /// The names a host name is checked against: the subjectAltName entries,
    /// or the subject when there are none.
    private func certificateNames(_ cert: OpaquePointer) -> [String] {
        let alternative = CertificateInfo.alternativeNames(cert)
        if !alternative.isEmpty { return alternative }
        let subject = CertificateInfo.distinguishedName(X509_get_subject_name(cert))
        return subject.isEmpty ? [] : [subject]
    }

    // MARK: a peer that does not speak TLS

    /// "the peer does not speak TLS; it sent "..."", unless what came looks
    /// like a TLS record (then the versions disagree, which OpenSSL says).
    private func notTLSHint() -> String? {
        if firstBytes.count >= 2, (20...24).contains(firstBytes[0]), firstBytes[1] == 3 { return nil }
        let line = firstBytes.prefix { $0 != 13 && $0 != 10 }
        let printable = !line.isEmpty && line.allSatisfy { (32...126).contains($0) }
        let sent = printable ? "; it sent \"\(String(decoding: line, as: UTF8.self))\"" : ""
        return "the peer does not speak TLS\(sent)"
    }

    /// How many of the peer's first bytes are kept for notTLSHint.
    static let keptBytes = 48
}
