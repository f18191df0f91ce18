// The certificate facts TclTLS 2.0.1 returns beyond its manual, in 2.0.1's
// value forms (observed side by side with scripts/compat), for the certificate
// part of `tls::status` and the `cert` of the verify callback:
//   extensions              dict: extension long name -> critical flag (0/1)
//   extFlags                X509_get_extension_flags as a number
//   keyUsage                list of key usage names (`Digital Signature`,
//                           `Certificate Signing`, `CRL Signing`, ...)
//   extendedKeyUsage        list of EKU long names (`TLS Web Server
//                           Authentication`); `unrestricted` without the extension
//   subjectAltName,
//   issuerAltName           list of `TYPE:value` as OpenSSL prints general names
//                           (`DNS:localhost`, `IP Address:127.0.0.1`,
//                           `IP Address:0:0:0:0:0:0:0:1`, `email:...`, `URI:...`)
//   crlDistributionPoints   list of the CRL distribution point URIs
//   caIssuers               list of the CA issuer URLs of Authority Information Access
//   basicConstraintsCA      0/1: basic constraints say CA
//   pathLen                 the path length constraint, -1 without one
//   isCACert                0/1: X509_check_ca finds a CA
//   selfIssued, selfSigned, isProxyCert, extInvalid
//                           0/1 from the extension flags
//   purpose                 the first purpose the certificate serves
//                           (`SSL Client`, `SSL Server`, `CRL Signing`, ...)
//   certificatePurpose      dict: purpose name -> {nonCA Yes|No CA Yes|No}
//   signatureHash           hex digest of the certificate with that digest
//   publicKeyHash           SHA-1 of the public key (X509_pubkey_digest), hex;
//                           2.0.1 returns an empty string here
//   alias, keyId            the trusted-certificate alias and key id (X509_alias_get0,
//                           X509_keyid_get0), usually empty
// (extCount, ocspResponders, signingDigest, issuerUniqueId, subjectUniqueId
// and 1.7's serial are other names of CertificateInfo's keys: StatusKeys.aliases.)
import COpenSSL

enum CertificateExtensions {
    /// Adds the keys above to `v`, which already holds CertificateInfo's own.
    static func add(_ cert: OpaquePointer, to v: inout [String: StatusValue]) {
        let count = X509_get_ext_count(cert)
        var extensions: [String] = []
        for i in 0..<count {
            guard let ext = X509_get_ext(cert, i) else { continue }
            extensions.append(CertificateInfo.objectName(X509_EXTENSION_get_object(ext)))
            extensions.append(X509_EXTENSION_get_critical(ext) != 0 ? "1" : "0")
        }
        v["extensions"] = .list(extensions)
        let flags = X509_get_extension_flags(cert)
        v["extFlags"] = .number(Int(flags))
        v["keyUsage"] = .list(keyUsage(cert))
        v["extendedKeyUsage"] = .list(extendedKeyUsage(cert))
        v["subjectAltName"] = .list(generalNames(cert, NID_subject_alt_name))
        v["issuerAltName"] = .list(generalNames(cert, NID_issuer_alt_name))
        v["crlDistributionPoints"] = .list(crlDistributionPoints(cert))
        v["caIssuers"] = .list(caIssuers(cert))
        v["basicConstraintsCA"] = .flag(flags & UInt32(EXFLAG_CA) != 0)
        v["pathLen"] = .number(Int(X509_get_pathlen(cert)))
        v["isCACert"] = .flag(X509_check_ca(cert) != 0)
        v["selfIssued"] = .flag(flags & UInt32(EXFLAG_SI) != 0)
        v["selfSigned"] = .flag(flags & UInt32(EXFLAG_SS) != 0)
        v["isProxyCert"] = .flag(flags & UInt32(EXFLAG_PROXY) != 0)
        v["extInvalid"] = .flag(flags & UInt32(EXFLAG_INVALID) != 0)
        let purposes = self.purposes(cert)
        v["purpose"] = .text(purposes.first(where: { $0.nonCA })?.title ?? "")
        v["certificatePurpose"] = .list(purposes.flatMap {
            [$0.name, "nonCA \($0.nonCA ? "Yes" : "No") CA \($0.ca ? "Yes" : "No")"]
        })
        v["signatureHash"] = .text(signatureHash(cert))
        var buf = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        v["publicKeyHash"] = .text(X509_pubkey_digest(cert, EVP_sha1(), &buf, &length) == 1
                                   ? CertificateInfo.hex(buf.prefix(Int(length))) : "")
        var aliasLength: Int32 = 0
        v["alias"] = .text(X509_alias_get0(cert, &aliasLength).map {
            String(decoding: UnsafeBufferPointer(start: $0, count: Int(aliasLength)), as: UTF8.self)
        } ?? "")
        var keyIdLength: Int32 = 0
        v["keyId"] = .text(X509_keyid_get0(cert, &keyIdLength).map {
            CertificateInfo.hex(UnsafeBufferPointer(start: $0, count: Int(keyIdLength)))
        } ?? "")
    }

    /// Key usage bits and their names, in the order of RFC 5280's bit string.
    static let keyUsageNames: [(UInt32, String)] = [
        (UInt32(KU_DIGITAL_SIGNATURE), "Digital Signature"), (UInt32(KU_NON_REPUDIATION), "Non-Repudiation"),
        (UInt32(KU_KEY_ENCIPHERMENT), "Key Encipherment"), (UInt32(KU_DATA_ENCIPHERMENT), "Data Encipherment"),
        (UInt32(KU_KEY_AGREEMENT), "Key Agreement"), (UInt32(KU_KEY_CERT_SIGN), "Certificate Signing"),
        (UInt32(KU_CRL_SIGN), "CRL Signing"), (UInt32(KU_ENCIPHER_ONLY), "Encipher Only"),
        (UInt32(KU_DECIPHER_ONLY), "Decipher Only"),
    ]

    static func keyUsage(_ cert: OpaquePointer) -> [String] {
        guard X509_get_extension_flags(cert) & UInt32(EXFLAG_KUSAGE) != 0 else { return [] }
        let bits = X509_get_key_usage(cert)
        return keyUsageNames.filter { bits & $0.0 != 0 }.map(\.1)
    }

    static func extendedKeyUsage(_ cert: OpaquePointer) -> [String] {
        guard let raw = X509_get_ext_d2i(cert, NID_ext_key_usage, nil, nil) else { return ["unrestricted"] }
        defer { tls_EXTENDED_KEY_USAGE_free(raw) }
        let stack = OpaquePointer(raw)
        return (0..<tls_sk_ASN1_OBJECT_num(stack)).map {
            CertificateInfo.objectName(tls_sk_ASN1_OBJECT_value(stack, $0))
        }
    }

    /// Each general name as `TYPE:value`, as GENERAL_NAME_print writes it.
    static func generalNames(_ cert: OpaquePointer, _ nid: Int32) -> [String] {
        guard let raw = X509_get_ext_d2i(cert, nid, nil, nil) else { return [] }
        let names = OpaquePointer(raw)
        defer { tls_GENERAL_NAMES_free(names) }
        return printed(names)
    }

    static func printed(_ names: OpaquePointer) -> [String] {
        (0..<tls_sk_GENERAL_NAME_num(names)).compactMap { i in
            guard let name = tls_sk_GENERAL_NAME_value(names, i) else { return nil }
            return CertificateInfo.memoryBIO { GENERAL_NAME_print($0, name) }
        }
    }

    /// The URIs of the full names of the CRL distribution points.
    static func crlDistributionPoints(_ cert: OpaquePointer) -> [String] {
        guard let raw = X509_get_ext_d2i(cert, NID_crl_distribution_points, nil, nil) else { return [] }
        defer { tls_CRL_DIST_POINTS_free(raw) }
        let points = OpaquePointer(raw)
        var uris: [String] = []
        for i in 0..<tls_sk_DIST_POINT_num(points) {
            guard let point = tls_sk_DIST_POINT_value(points, i), let name = point.pointee.distpoint,
                  name.pointee.type == 0, let full = name.pointee.name.fullname else { continue }
            uris += uniformResourceIdentifiers(full)
        }
        return uris
    }

    /// The caIssuers URIs of the Authority Information Access extension.
    static func caIssuers(_ cert: OpaquePointer) -> [String] {
        guard let raw = X509_get_ext_d2i(cert, NID_info_access, nil, nil) else { return [] }
        defer { tls_AUTHORITY_INFO_ACCESS_free(raw) }
        let access = OpaquePointer(raw)
        var uris: [String] = []
        for i in 0..<tls_sk_ACCESS_DESCRIPTION_num(access) {
            guard let d = tls_sk_ACCESS_DESCRIPTION_value(access, i),
                  OBJ_obj2nid(d.pointee.method) == NID_ad_ca_issuers, let location = d.pointee.location else { continue }
            var type: Int32 = 0
            if let value = GENERAL_NAME_get0_value(location, &type), type == GEN_URI {
                uris.append(CertificateInfo.text(value.assumingMemoryBound(to: ASN1_STRING.self)))
            }
        }
        return uris
    }

    static func uniformResourceIdentifiers(_ names: OpaquePointer) -> [String] {
        (0..<tls_sk_GENERAL_NAME_num(names)).compactMap { i in
            var type: Int32 = 0
            guard let name = tls_sk_GENERAL_NAME_value(names, i),
                  let value = GENERAL_NAME_get0_value(name, &type), type == GEN_URI else { return nil }
            return CertificateInfo.text(value.assumingMemoryBound(to: ASN1_STRING.self))
        }
    }

    /// 2.0.1's names of OpenSSL's standard purposes (OpenSSL's own, title-cased).
    static let purposeNames: [Int32: String] = [
        X509_PURPOSE_SSL_CLIENT: "SSL Client", X509_PURPOSE_SSL_SERVER: "SSL Server",
        X509_PURPOSE_NS_SSL_SERVER: "Netscape SSL Server", X509_PURPOSE_SMIME_SIGN: "S/MIME Signing",
        X509_PURPOSE_SMIME_ENCRYPT: "S/MIME Encryption", X509_PURPOSE_CRL_SIGN: "CRL Signing",
        X509_PURPOSE_ANY: "Any Purpose", X509_PURPOSE_OCSP_HELPER: "OCSP Helper",
        X509_PURPOSE_TIMESTAMP_SIGN: "Time Stamp Signing",
    ]

    /// Every purpose OpenSSL knows, in its table's order: OpenSSL's name
    /// (certificatePurpose's keys), 2.0.1's title (purpose's value), and whether
    /// the certificate serves it as a leaf and as a CA.
    static func purposes(_ cert: OpaquePointer) -> [(name: String, title: String, nonCA: Bool, ca: Bool)] {
        (0..<X509_PURPOSE_get_count()).compactMap { i in
            guard let purpose = X509_PURPOSE_get0(i) else { return nil }
            let id = X509_PURPOSE_get_id(purpose)
            let name = SessionInfo.string(X509_PURPOSE_get0_name(purpose))
            return (name, purposeNames[id] ?? name,
                    X509_check_purpose(cert, id, 0) == 1, X509_check_purpose(cert, id, 1) == 1)
        }
    }

    static func signatureHash(_ cert: OpaquePointer) -> String {
        var mdNID: Int32 = NID_undef, pkNID: Int32 = NID_undef, secBits: Int32 = 0
        var flags: UInt32 = 0
        guard X509_get_signature_info(cert, &mdNID, &pkNID, &secBits, &flags) == 1, mdNID != NID_undef,
              let md = EVP_get_digestbyname(OBJ_nid2sn(mdNID)) else { return "" }
        return CertificateInfo.digest(cert, md)
    }
}
