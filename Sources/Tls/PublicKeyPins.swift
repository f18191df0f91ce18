// -pinnedpubkey: public-key pinning with curl's syntax, `sha256//BASE64`
// items separated by `;`, each the SHA-256 of a SubjectPublicKeyInfo (DER),
// in base64. The peer's own certificate must carry one of the pinned keys,
// in addition to normal verification (or alone, with -require 0).
import COpenSSL

struct PublicKeyPins {
    /// The pins, each `sha256//` and 44 base64 characters.
    let pins: [String]

    init(parsing text: String) throws {
        var pins: [String] = []
        for raw in text.split(separator: ";", omittingEmptySubsequences: true) {
            let item = String(raw).trimmingWhitespace()
            guard item.hasPrefix("sha256//"), PublicKeyPins.isSHA256Base64(item.dropFirst(8)) else {
                throw TclError("bad -pinnedpubkey \"\(text)\": must be sha256//BASE64 items (the base64 SHA-256 of a public key) separated by ;",
                               errorCode: ["TLS", "OPTION", "-pinnedpubkey"])
            }
            pins.append(item)
        }
        guard !pins.isEmpty else {
            throw TclError("bad -pinnedpubkey \"\(text)\": must be sha256//BASE64 items (the base64 SHA-256 of a public key) separated by ;",
                           errorCode: ["TLS", "OPTION", "-pinnedpubkey"])
        }
        self.pins = pins
    }

    /// nil when `cert`'s key is pinned; else why not, naming the pins.
    func mismatch(_ cert: OpaquePointer?) -> String? {
        guard let cert else { return "no peer certificate for -pinnedpubkey" }
        let pin = PublicKeyPins.pin(of: cert) ?? "sha256//?"
        if pins.contains(pin) { return nil }
        return "public key \(pin) does not match -pinnedpubkey \(pins.joined(separator: ";"))"
    }

    /// `sha256//BASE64` of the certificate's SubjectPublicKeyInfo.
    static func pin(of cert: OpaquePointer) -> String? {
        guard let spki = X509_get_X509_PUBKEY(cert) else { return nil }
        var der: UnsafeMutablePointer<UInt8>? = nil
        let n = i2d_X509_PUBKEY(spki, &der)
        guard n > 0, let der else { return nil }
        defer { tls_OPENSSL_free(der) }
        var md = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 0
        guard EVP_Digest(der, Int(n), &md, &len, EVP_sha256(), nil) == 1 else { return nil }
        var out = [UInt8](repeating: 0, count: 4 * ((Int(len) + 2) / 3) + 1)
        let written = EVP_EncodeBlock(&out, md, Int32(len))
        return "sha256//" + String(decoding: out[0..<Int(written)], as: UTF8.self)
    }

    /// 44 base64 characters that decode to 32 bytes (with their one `=`).
    private static func isSHA256Base64(_ s: Substring) -> Bool {
        let bytes = Array(s.utf8)
        guard bytes.count == 44, bytes[43] == UInt8(ascii: "="), bytes[42] != UInt8(ascii: "=") else { return false }
        var out = [UInt8](repeating: 0, count: 33)
        return EVP_DecodeBlock(&out, bytes, 44) == 33
    }
}
