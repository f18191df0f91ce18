// OCSP: a server staples the DER response of -ocspresponse (read when its
// context is built, so a changed file is read again by the next connection);
// a client that asked (-ocsp request|require) checks the stapled response
// against the peer's chain, its own trust store and the clock, and keeps the
// verdict for tls::status. The trampolines are in HandshakeCallbacks.
import COpenSSL
import Glibc

/// What `-ocsp` asks of a client.
/// A client connection's -ocsp: the mode and the verdict on the stapled
/// response (made only for connections that ask).
final class OcspCheck {
    let mode: OcspMode
    var result = OcspResult()
    var rejected = false
    init(mode: OcspMode) { self.mode = mode }
}

enum OcspMode: String, CaseIterable {
    /// Do not ask for a stapled response.
    case none
    /// Ask, check, report; the handshake goes on whatever the answer.
    case request
    /// Ask, and fail the handshake unless the response says "good" (must-staple).
    case require
}

/// The verdict on a stapled response, as tls::status reports it.
struct OcspResult {
    /// good, revoked, unknown (the responder's answers), none (nothing
    /// stapled) or invalid (a response that does not verify, is not for this
    /// certificate, or is out of date).
    var status = "none"
    var thisUpdate = ""
    var nextUpdate = ""
    var revocationTime = ""
    var revocationReason = ""
    /// Why the response is invalid, or why the handshake failed.
    var error = ""

    var values: [String: StatusValue] {
        ["ocsp_status": .text(status), "ocsp_this_update": .text(thisUpdate), "ocsp_next_update": .text(nextUpdate),
         "ocsp_revocation_time": .text(revocationTime), "ocsp_revocation_reason": .text(revocationReason),
         "ocsp_error": .text(error)]
    }

    /// Whether `require` lets the handshake go on.
    var isGood: Bool { status == "good" }

    /// Seconds of clock skew allowed on the response's times (as `openssl ocsp`).
    static let leewaySeconds = 300
}

enum OcspStatus {
    /// The response file of -ocspresponse, checked to be a DER OCSP response.
    static func readResponse(_ path: String) throws -> [UInt8] {
        let bytes = try FileContents.read(path)
        let parsed: OpaquePointer? = bytes.withUnsafeBufferPointer { buf in
            var p: UnsafePointer<UInt8>? = buf.baseAddress
            return d2i_OCSP_RESPONSE(nil, &p, buf.count)
        }
        guard let parsed else {
            SSLErrors.clear()
            throw TclError("bad -ocspresponse file \"\(path)\": not a DER OCSP response")
        }
        OCSP_RESPONSE_free(parsed)
        return bytes
    }

    /// Checks the response stapled on the client connection `ssl` (SSL*).
    static func check(_ ssl: OpaquePointer) -> OcspResult {
        var result = OcspResult()
        var der: UnsafePointer<UInt8>? = nil
        let length = tls_SSL_get_tlsext_status_ocsp_resp(ssl, &der)
        guard let der, length > 0 else {
            result.error = "no OCSP response stapled"
            return result
        }
        result.status = "invalid"
        defer { SSLErrors.clear() }
        var p: UnsafePointer<UInt8>? = der
        guard let response = d2i_OCSP_RESPONSE(nil, &p, length) else {
            result.error = "OCSP response is not DER"
            return result
        }
        defer { OCSP_RESPONSE_free(response) }
        let responseStatus = OCSP_response_status(response)
        guard responseStatus == OCSP_RESPONSE_STATUS_SUCCESSFUL else {
            result.error = "OCSP responder says " + String(cString: OCSP_response_status_str(Int(responseStatus)))
            return result
        }
        guard let basic = OCSP_response_get1_basic(response) else {
            result.error = "OCSP response has no basic response"
            return result
        }
        defer { OCSP_BASICRESP_free(basic) }
        guard let chain = SSL_get_peer_cert_chain(ssl), tls_sk_X509_num(chain) > 0,
              let leaf = tls_sk_X509_value(chain, 0) else {
            result.error = "no peer certificate"
            return result
        }
        let store = SSL_CTX_get_cert_store(SSL_get_SSL_CTX(ssl))
        guard let issuer = issuer(of: leaf, chain: chain, store: store) else {
            result.error = "issuer of the peer certificate not found"
            return result
        }
        defer { X509_free(issuer) }
        // The issuer may sign the response itself without including its
        // certificate; when it is a trusted root, the peer's chain lacks it.
        guard let candidates = X509_chain_up_ref(chain) else { return result }
        defer { tls_sk_X509_free_all(candidates) }
        X509_up_ref(issuer)
        if tls_sk_X509_push(candidates, issuer) == 0 { X509_free(issuer) }
        guard OCSP_basic_verify(basic, candidates, store, 0) == 1 else {
            result.error = "OCSP response does not verify: " + (SSLErrors.reason() ?? "bad signature")
            return result
        }
        guard let id = OCSP_cert_to_id(nil, leaf, issuer) else {
            result.error = "could not make the OCSP certificate id"
            return result
        }
        defer { OCSP_CERTID_free(id) }
        var status: Int32 = -1, reason: Int32 = -1
        var revoked: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>? = nil, thisUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>? = nil,
            nextUpdate: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>? = nil
        guard OCSP_resp_find_status(basic, id, &status, &reason, &revoked, &thisUpdate, &nextUpdate) == 1 else {
            result.error = "OCSP response is not about the peer certificate"
            return result
        }
        result.thisUpdate = timeText(thisUpdate)
        result.nextUpdate = timeText(nextUpdate)
        guard OCSP_check_validity(thisUpdate, nextUpdate, OcspResult.leewaySeconds, -1) == 1 else {
            result.error = "OCSP response is out of date: " + (SSLErrors.rootCause(SSLErrors.drain()) ?? "")
            return result
        }
        switch status {
        case V_OCSP_CERTSTATUS_GOOD:
            result.status = "good"
        case V_OCSP_CERTSTATUS_REVOKED:
            result.status = "revoked"
            result.revocationTime = timeText(revoked)
            if reason >= 0 { result.revocationReason = String(cString: OCSP_crl_reason_str(Int(reason))) }
            result.error = "certificate revoked (OCSP)"
        default:
            result.status = "unknown"
            result.error = "certificate status unknown to the OCSP responder"
        }
        return result
    }

    /// The certificate that issued `leaf`: from the peer's chain, else from
    /// the trust store (a chain usually leaves out its root). One reference
    /// for the caller.
    private static func issuer(of leaf: OpaquePointer, chain: OpaquePointer, store: OpaquePointer?) -> OpaquePointer? {
        for i in 1..<max(1, tls_sk_X509_num(chain)) {
            if let c = tls_sk_X509_value(chain, i), X509_check_issued(c, leaf) == X509_V_OK {
                X509_up_ref(c)
                return c
            }
        }
        guard let store, let ctx = X509_STORE_CTX_new() else { return nil }
        defer { X509_STORE_CTX_free(ctx) }
        guard X509_STORE_CTX_init(ctx, store, leaf, chain) == 1 else { return nil }
        var found: OpaquePointer? = nil
        return X509_STORE_CTX_get1_issuer(&found, ctx, leaf) == 1 ? found : nil
    }

    private static func timeText(_ t: UnsafeMutablePointer<ASN1_GENERALIZEDTIME>?) -> String {
        guard let t else { return "" }
        return CertificateInfo.memoryBIO { ASN1_GENERALIZEDTIME_print($0, t) }
    }
}

/// A whole (small) file, read for a context: OCSP responses, ticket keys.
enum FileContents {
    static func read(_ path: String, limit: Int = 1 << 20) throws -> [UInt8] {
        try FileStamp.requireReadable(path)
        guard let f = fopen(path, "rb") else { throw TclError("couldn't open \"\(path)\"") }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n > 0 { bytes += chunk[0..<n] }
            if n < chunk.count { break }
            if bytes.count > limit { throw TclError("file \"\(path)\" is too large") }
        }
        return bytes
    }
}
