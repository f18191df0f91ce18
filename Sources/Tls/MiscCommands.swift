// tls::misc: a new RSA key and a self-signed certificate for it, as PEM
// (`req` writes two files, `strreq` sets two variables). Unlike TclTLS's, the
// certificate is one a verifying client accepts: X.509 v3, issuer = subject,
// subjectAltName from the CN (DNS name or IP address), SHA-256 signature.
@preconcurrency import CTcl
import COpenSSL

enum MiscCommands {
    static func misc(_ interp: TclInterp, _ objv: [TclObj]) throws -> TclObj? {
        guard objv.count >= 2 else { throw TclError.wrongArgs(objv, 1, "subcommand ?args?") }
        let sub = TclObjects.toString(objv[1])
        switch sub {
        case "req", "strreq":
            let usage = sub == "req" ? "keysize keyfile certfile ?info?" : "keysize keyVar certVar ?info?"
            guard objv.count == 5 || objv.count == 6 else { throw TclError.wrongArgs(objv, 2, usage) }
            // A safe interpreter may not write files (it has no open either).
            if sub == "req" && tcl.pointee.tcl_IsSafe!(interp) != 0 {
                throw TclError("permission denied: tls::misc req writes files; a safe interpreter can use tls::misc strreq",
                               errorCode: ["TLS", "MISC", "SAFE"])
            }
            let bits = try TclObjects.toInt(interp, objv[2])
            let request = try SelfSignedRequest(interp, objv.count == 6 ? objv[5] : nil)
            let made = try request.make(bits: bits)
            if sub == "req" {
                let keyPath = TclObjects.toString(objv[3]), certPath = TclObjects.toString(objv[4])
                if keyPath == certPath {
                    // One file for both: -certfile alone then finds the key too.
                    try writeFile(interp, objv[3], made.key + made.certificate, permissions: 0o600)
                } else {
                    try writeFile(interp, objv[3], made.key, permissions: 0o600)
                    try writeFile(interp, objv[4], made.certificate, permissions: 0o644)
                }
            } else {
                try setVariable(interp, objv[3], made.key)
                try setVariable(interp, objv[4], made.certificate)
            }
            return nil
        default:
            throw TclError.badChoice("command", sub, ["req", "strreq"])
        }
    }

    /// Writes `pem` to the file named by `path` through Tcl's filesystem
    /// (so its messages and `~` apply), replacing what was there.
    private static func writeFile(_ interp: TclInterp, _ path: TclObj, _ pem: [UInt8], permissions: Int32) throws {
        guard let chan = tcl.pointee.tcl_FSOpenFileChannel!(interp, path, "w", permissions) else {
            throw TclError.fromInterp
        }
        _ = tcl.pointee.tcl_SetChannelOption!(interp, chan, "-translation", "binary")
        let data = TclObjects.bytes(pem)
        TclObjects.retain(data)
        let written = tcl.pointee.tcl_WriteObj!(chan, data)
        TclObjects.release(data)
        let failed = written < 0
        let e = failed ? tcl.pointee.tcl_GetErrno!() : 0
        if tls_Tcl_Close(interp, chan) != TCL_OK && !failed { throw TclError.fromInterp }
        if failed {
            tcl.pointee.tcl_SetErrno!(e)
            let reason = String(cString: tcl.pointee.tcl_PosixError!(interp)!).lowercased()
            throw TclError("error writing \"\(TclObjects.toString(path))\": \(reason)")
        }
    }

    private static func setVariable(_ interp: TclInterp, _ name: TclObj, _ pem: [UInt8]) throws {
        let value = TclObjects.string(String(decoding: pem, as: UTF8.self))
        guard tcl.pointee.tcl_ObjSetVar2!(interp, name, nil, value, TCL_LEAVE_ERR_MSG) != nil else {
            throw TclError.fromInterp
        }
    }
}

/// What `info` says about the certificate to make: TclTLS's keys and defaults.
struct SelfSignedRequest {
    var days = 365
    var serial = 0
    /// Subject fields in the order they appear in the name.
    var subject: [(field: String, value: String)] = []

    /// The `info` keys naming subject fields, and their OpenSSL field names.
    static let subjectKeys: [(key: String, field: String)] = [
        ("C", "C"), ("ST", "ST"), ("L", "L"), ("O", "O"), ("OU", "OU"), ("CN", "CN"), ("Email", "emailAddress"),
    ]

    init(_ interp: TclInterp, _ info: TclObj?) throws {
        guard let info else { return }
        let items = try TclObjects.toList(interp, info)
        guard items.count % 2 == 0 else { throw TclError("Information list must have even number of arguments") }
        var values: [String: String] = [:]
        for i in stride(from: 0, to: items.count, by: 2) {
            let key = TclObjects.toString(items[i])
            switch key {
            case "days": days = try TclObjects.toInt(interp, items[i + 1])
            case "serial": serial = try TclObjects.toInt(interp, items[i + 1])
            default:
                // TclTLS's words, exactly; the key itself is in errorCode.
                guard SelfSignedRequest.subjectKeys.contains(where: { $0.key == key }) else {
                    throw TclError("Unknown parameter", errorCode: ["TLS", "MISC", "PARAMETER", key])
                }
                values[key] = TclObjects.toString(items[i + 1])
            }
        }
        for (key, field) in SelfSignedRequest.subjectKeys {
            if let v = values[key], !v.isEmpty { subject.append((field, v)) }
        }
    }

    var commonName: String? { subject.first { $0.field == "CN" }?.value }

    /// A new key of `bits` bits and its self-signed certificate, both PEM.
    func make(bits: Int) throws -> (key: [UInt8], certificate: [UInt8]) {
        SSLErrors.clear()
        guard let pkey = SelfSignedRequest.generateRSA(bits: bits) else {
            SSLErrors.clear()
            throw TclError("Error generating private key")
        }
        defer { EVP_PKEY_free(pkey) }
        guard let x509 = X509_new() else { throw SSLErrors.error("Error generating certificate request") }
        defer { X509_free(x509) }

        guard X509_set_version(x509, 2) == 1,
              ASN1_INTEGER_set(X509_get_serialNumber(x509), serial) == 1,
              X509_gmtime_adj(X509_getm_notBefore(x509), 0) != nil,
              X509_time_adj_ex(X509_getm_notAfter(x509), Int32(clamping: days), 0, nil) != nil,
              X509_set_pubkey(x509, pkey) == 1 else {
            throw SSLErrors.error("Error generating certificate request")
        }
        let name = X509_get_subject_name(x509)
        for (field, value) in subject {
            guard X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, value, -1, -1, 0) == 1 else {
                throw SSLErrors.error("bad \(field) \"\(value)\"")
            }
        }
        guard X509_set_issuer_name(x509, name) == 1 else { throw SSLErrors.error("Error generating certificate request") }

        var extensions = [(NID_basic_constraints, "critical,CA:FALSE"),
                          (NID_subject_key_identifier, "hash"),
                          (NID_authority_key_identifier, "keyid:always"),
                          (NID_ext_key_usage, "serverAuth,clientAuth")]
        if let san = subjectAltName { extensions.append((NID_subject_alt_name, san)) }
        var ctx = X509V3_CTX()
        X509V3_set_ctx(&ctx, x509, x509, nil, nil, 0)
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_nconf_nid(nil, &ctx, nid, value) else {
                throw SSLErrors.error("Error adding extension \"\(value)\"")
            }
            defer { X509_EXTENSION_free(ext) }
            guard X509_add_ext(x509, ext, -1) == 1 else { throw SSLErrors.error("Error adding extension \"\(value)\"") }
        }
        guard X509_sign(x509, pkey, EVP_sha256()) > 0 else { throw SSLErrors.error("Error signing certificate") }

        let key = try SelfSignedRequest.pem { PEM_write_bio_PrivateKey($0, pkey, nil, nil, 0, nil, nil) }
        let certificate = try SelfSignedRequest.pem { PEM_write_bio_X509($0, x509) }
        return (key, certificate)
    }

    /// `DNS:cn`, or `IP:cn` for an address; nil when the CN can be neither.
    var subjectAltName: String? {
        guard let cn = commonName, !cn.contains(","), !cn.contains(" ") else { return nil }
        return (HostName.isIPAddress(cn) ? "IP:" : "DNS:") + cn
    }

    private static func generateRSA(bits: Int) -> OpaquePointer? {
        guard bits > 0, let ctx = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else { return nil }
        defer { EVP_PKEY_CTX_free(ctx) }
        var pkey: OpaquePointer? = nil
        guard EVP_PKEY_keygen_init(ctx) == 1,
              EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(clamping: bits)) == 1,
              EVP_PKEY_generate(ctx, &pkey) == 1 else { return nil }
        return pkey
    }

    /// What `write` puts into a memory BIO.
    private static func pem(_ write: (OpaquePointer) -> Int32) throws -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw SSLErrors.error("Error writing PEM") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw SSLErrors.error("Error writing PEM") }
        var p: UnsafeMutablePointer<CChar>? = nil
        let n = tls_BIO_get_mem_data(bio, &p)
        guard let p, n > 0 else { throw SSLErrors.error("Error writing PEM") }
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }
}
