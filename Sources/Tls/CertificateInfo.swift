// The certificate part of `tls::status` (and the `cert` argument of the
// `verify` callback): facts about one X509 certificate, read with OpenSSL.
//
// Formats (SPEC §5), chosen so a script can compare them with `openssl x509`:
//   all                     X509_print text (`openssl x509 -noout -text -nameopt compat`)
//   version                 the number, 1..3 (X509_get_version + 1)
//   serialNumber            hex as `openssl x509 -noout -serial` prints it after
//                           `serial=` (i2a_ASN1_INTEGER: upper case, even length)
//   signature               long name of the tbsCertificate's signature algorithm
//   issuer, subject         one-line RFC 2253 DN, UTF-8 (`CN=localhost,O=Test,C=US`,
//                           most specific first), the same as
//                           `openssl x509 -noout -subject -nameopt RFC2253,-esc_msb`;
//                           identical to `-nameopt RFC2253` for ASCII names
//   notBefore, notAfter     ASN1_TIME_print text: `Jan  1 00:00:00 2030 GMT`
//   issuerUniqueID,
//   subjectUniqueID         lower-case hex, empty when absent
//   num_extensions          a number
//   extensions              dict: extension long name as `openssl x509 -text`
//                           shows it (`X509v3 Subject Alternative Name`; the
//                           dotted OID for unknown ones) -> critical flag 0/1
//   authorityKeyIdentifier,
//   subjectKeyIdentifier    lower-case hex of the key identifier
//   subjectAltName          list of `TYPE:value` (`DNS:localhost`,
//                           `IP Address:127.0.0.1`), see CertificateExtensions
//   ocsp                    list of OCSP responder URLs (`openssl x509 -ocsp_uri`)
//   certificate             PEM (`openssl x509 -outform PEM`)
//   signatureAlgorithm      long name of the outer signature algorithm
//                           (`sha256WithRSAEncryption`, as in `openssl x509 -text`)
//   signatureValue          lower-case hex of the signature bits
//   signatureDigest         long name of the digest the signature uses (`sha256`;
//                           empty for digest-less schemes like Ed25519)
//   publicKeyAlgorithm      long name (`rsaEncryption`, `id-ecPublicKey`)
//   publicKey               lower-case hex of the subjectPublicKey bit string
//   bits                    public key size in bits
//   self_signed             0/1 (X509_self_signed: issuer is subject and keys match)
//   sha1_hash, sha256_hash  lower-case hex digest of the DER
//   pinnedpubkey            sha256//BASE64 of the public key (SubjectPublicKeyInfo), as -pinnedpubkey takes it
//                           (`openssl x509 -noout -fingerprint -sha256` without colons)
// and the keys TclTLS 2.0.1 and 1.7.22 return beyond the manual, in
// CertificateExtensions.
import COpenSSL
import Glibc


enum CertificateInfo {
    /// The certificate part of tls::status for one certificate (X509*), every key always present
    /// (empty string when the certificate lacks the field).
    static func dict(_ cert: OpaquePointer) -> TclDict {
        var dict = TclDict()
        StatusKeys.emit(StatusKeys.certificate, from: values(cert), into: &dict)
        return dict
    }

    /// The same facts as Swift values; keys absent here are emitted as empty strings.
    static func values(_ cert: OpaquePointer) -> [String: StatusValue] {
        var v: [String: StatusValue] = [:]
        v["all"] = .text(memoryBIO { X509_print($0, cert) })
        v["version"] = .number(Int(X509_get_version(cert)) + 1)
        v["serialNumber"] = .text(memoryBIO { i2a_ASN1_INTEGER($0, X509_get0_serialNumber(cert)) })
        v["signature"] = .text(algorithmName(X509_get0_tbs_sigalg(cert)))
        v["issuer"] = .text(distinguishedName(X509_get_issuer_name(cert)))
        v["notBefore"] = .text(memoryBIO { ASN1_TIME_print($0, X509_get0_notBefore(cert)) })
        v["notAfter"] = .text(memoryBIO { ASN1_TIME_print($0, X509_get0_notAfter(cert)) })
        v["subject"] = .text(distinguishedName(X509_get_subject_name(cert)))

        var issuerUID: UnsafePointer<ASN1_BIT_STRING>? = nil
        var subjectUID: UnsafePointer<ASN1_BIT_STRING>? = nil
        X509_get0_uids(cert, &issuerUID, &subjectUID)
        v["issuerUniqueID"] = .text(hex(issuerUID))
        v["subjectUniqueID"] = .text(hex(subjectUID))

        let count = X509_get_ext_count(cert)
        v["num_extensions"] = .number(Int(count))
        v["authorityKeyIdentifier"] = .text(hex(X509_get0_authority_key_id(cert)))
        v["subjectKeyIdentifier"] = .text(hex(X509_get0_subject_key_id(cert)))
        v["ocsp"] = .list(ocspURLs(cert))
        v["certificate"] = .text(memoryBIO { PEM_write_bio_X509($0, cert) })

        var signature: UnsafePointer<ASN1_BIT_STRING>? = nil
        var signatureAlg: UnsafePointer<X509_ALGOR>? = nil
        X509_get0_signature(&signature, &signatureAlg, cert)
        v["signatureAlgorithm"] = .text(algorithmName(signatureAlg))
        v["signatureValue"] = .text(hex(signature))
        var mdNID: Int32 = NID_undef, pkNID: Int32 = NID_undef, secBits: Int32 = 0
        var sigFlags: UInt32 = 0
        if X509_get_signature_info(cert, &mdNID, &pkNID, &secBits, &sigFlags) == 1 {
            v["signatureDigest"] = .text(nidName(mdNID))
        }

        if let pubkey = X509_get_X509_PUBKEY(cert) {
            var algorithm: OpaquePointer? = nil
            var key: UnsafePointer<UInt8>? = nil
            var keyLength: Int32 = 0
            if X509_PUBKEY_get0_param(&algorithm, &key, &keyLength, nil, pubkey) == 1 {
                v["publicKeyAlgorithm"] = .text(objectName(algorithm))
                v["publicKey"] = .text(hex(UnsafeRawBufferPointer(start: key, count: Int(keyLength))))
            }
        }
        if let pkey = X509_get0_pubkey(cert) {
            v["bits"] = .number(Int(EVP_PKEY_get_bits(pkey)))
        }
        v["self_signed"] = .flag(X509_self_signed(cert, 0) == 1)
        v["sha1_hash"] = .text(digest(cert, EVP_sha1()))
        v["sha256_hash"] = .text(digest(cert, EVP_sha256()))
        CertificateExtensions.add(cert, to: &v)
        v["pinnedpubkey"] = .text(PublicKeyPins.pin(of: cert) ?? "")
        return v
    }

    // MARK: - Helpers (also used by SessionInfo)

    /// Whatever `body` writes into a fresh memory BIO, as a string (invalid UTF-8 repaired).
    static func memoryBIO(_ body: (OpaquePointer) -> Int32) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        guard body(bio) > 0 else { return "" }
        var data: UnsafeMutablePointer<CChar>? = nil
        let length = tls_BIO_get_mem_data(bio, &data)
        guard let data, length > 0 else { return "" }
        return data.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    /// Lower-case hex without separators.
    static func hex(_ bytes: UnsafeRawBufferPointer) -> String { Hex.encode(bytes) }

    static func hex<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 { Hex.encode(bytes) }

    /// The contents of an ASN.1 string (octet or bit string) as hex; empty for nil.
    static func hex(_ string: UnsafePointer<ASN1_STRING>?) -> String {
        guard let string else { return "" }
        return hex(UnsafeRawBufferPointer(start: ASN1_STRING_get0_data(string),
                                          count: Int(ASN1_STRING_length(string))))
    }

    /// The contents of an ASN.1 string as text (IA5/UTF-8 strings).
    static func text(_ string: UnsafePointer<ASN1_STRING>?) -> String {
        guard let string, let data = ASN1_STRING_get0_data(string) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))),
                      as: UTF8.self)
    }

    /// A one-line RFC 2253 DN in UTF-8 (see the format notes at the top).
    static func distinguishedName(_ name: OpaquePointer?) -> String {
        guard let name else { return "" }
        let flags = tls_XN_FLAG_RFC2253() & ~UInt(ASN1_STRFLGS_ESC_MSB)
        return memoryBIO { X509_NAME_print_ex($0, name, 0, flags) >= 0 ? 1 : 0 }
    }

    /// OpenSSL's long name of a NID (`sha256`, `rsaEncryption`); empty for NID_undef.
    static func nidName(_ nid: Int32) -> String {
        guard nid != NID_undef, let name = OBJ_nid2ln(nid) else { return "" }
        return String(cString: name)
    }

    /// The long name of an object identifier, or its dotted form when OpenSSL has no name.
    static func objectName(_ object: OpaquePointer?) -> String {
        guard let object else { return "" }
        let nid = OBJ_obj2nid(object)
        if nid != NID_undef, let name = OBJ_nid2ln(nid) { return String(cString: name) }
        var buf = [CChar](repeating: 0, count: 128)
        let n = OBJ_obj2txt(&buf, Int32(buf.count), object, 1)
        return n > 0 ? String(cString: buf) : ""
    }

    static func algorithmName(_ algorithm: UnsafePointer<X509_ALGOR>?) -> String {
        guard let algorithm else { return "" }
        var object: OpaquePointer? = nil
        X509_ALGOR_get0(&object, nil, nil, algorithm)
        return objectName(object)
    }

    static func digest(_ cert: OpaquePointer, _ md: OpaquePointer?) -> String {
        var buf = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard X509_digest(cert, md, &buf, &length) == 1 else { return "" }
        return hex(buf.prefix(Int(length)))
    }

    /// The subjectAltName entries as plain values (DNS names, IP addresses as
    /// `127.0.0.1`/`::1`, e-mail addresses, URIs, RFC 2253 directory names,
    /// registered OIDs): the names a host is checked against, for messages.
    /// (tls::status gives them in OpenSSL's `TYPE:value` form.)
    static func alternativeNames(_ cert: OpaquePointer) -> [String] {
        guard let names = X509_get_ext_d2i(cert, NID_subject_alt_name, nil, nil) else { return [] }
        let stack = OpaquePointer(names)
        defer { tls_GENERAL_NAMES_free(stack) }
        var result: [String] = []
        for i in 0..<tls_sk_GENERAL_NAME_num(stack) {
            guard let name = tls_sk_GENERAL_NAME_value(stack, i) else { continue }
            var type: Int32 = 0
            guard let value = GENERAL_NAME_get0_value(name, &type) else { continue }
            switch type {
            case GEN_DNS, GEN_EMAIL, GEN_URI:
                result.append(text(value.assumingMemoryBound(to: ASN1_STRING.self)))
            case GEN_IPADD:
                let address = ipAddress(value.assumingMemoryBound(to: ASN1_STRING.self))
                if !address.isEmpty { result.append(address) }
            case GEN_DIRNAME:
                result.append(distinguishedName(OpaquePointer(value)))
            case GEN_RID:
                var buf = [CChar](repeating: 0, count: 128)
                if OBJ_obj2txt(&buf, Int32(buf.count), OpaquePointer(value), 1) > 0 {
                    result.append(String(cString: buf))
                }
            default:
                continue
            }
        }
        return result
    }

    /// An iPAddress entry (4 or 16 octets) in the usual text form; hex for anything else.
    static func ipAddress(_ octets: UnsafePointer<ASN1_STRING>) -> String {
        let length = Int(ASN1_STRING_length(octets))
        guard let data = ASN1_STRING_get0_data(octets) else { return "" }
        let family: Int32
        switch length {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return hex(UnsafeRawBufferPointer(start: data, count: length))
        }
        var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        guard inet_ntop(family, data, &buf, socklen_t(buf.count)) != nil else { return "" }
        return String(cString: buf)
    }

    /// OCSP responder URLs from the Authority Information Access extension.
    static func ocspURLs(_ cert: OpaquePointer) -> [String] {
        guard let stack = X509_get1_ocsp(cert) else { return [] }
        defer { X509_email_free(stack) }
        return (0..<tls_sk_OPENSSL_STRING_num(stack)).compactMap { i in
            tls_sk_OPENSSL_STRING_value(stack, i).map { String(cString: $0) }
        }
    }
}
