// The informational commands: tls::version, tls::protocols, tls::ciphers.
import COpenSSL

enum InfoCommands {
    static func version(_ interp: TclInterp, _ objv: [TclObj]) throws -> TclObj? {
        guard objv.count == 1 else { throw TclError.wrongArgs(objv, 1, "") }
        return TclObjects.string(String(cString: OpenSSL_version(OPENSSL_VERSION)))
    }

    static func protocols(_ interp: TclInterp, _ objv: [TclObj]) throws -> TclObj? {
        guard objv.count == 1 else { throw TclError.wrongArgs(objv, 1, "") }
        return TclObjects.stringList(ProtocolVersion.available.map(\.rawValue))
    }

    /// `tls::ciphers ?protocol? ?verbose? ?supported?`
    static func ciphers(_ interp: TclInterp, _ objv: [TclObj]) throws -> TclObj? {
        guard objv.count <= 4 else { throw TclError.wrongArgs(objv, 1, "?protocol? ?verbose? ?supported?") }
        var version: ProtocolVersion? = nil
        if objv.count > 1 {
            let name = TclObjects.toString(objv[1])
            guard let v = ProtocolVersion(rawValue: name) else {
                throw TclError.badChoice("protocol", name, ProtocolVersion.allCases.map(\.rawValue))
            }
            guard v.isAvailable else { throw TclError("protocol not supported") }
            version = v
        }
        let verbose = objv.count > 2 ? try TclObjects.toBool(interp, objv[2]) : false
        let supported = objv.count > 3 ? try TclObjects.toBool(interp, objv[3]) : false

        guard let ctx = SSL_CTX_new(TLS_method()) else { throw SSLErrors.error("could not create SSL context") }
        defer { SSL_CTX_free(ctx) }
        if let version {
            _ = tls_SSL_CTX_set_min_proto_version(ctx, version.wireVersion)
            _ = tls_SSL_CTX_set_max_proto_version(ctx, version.wireVersion)
        }
        guard let ssl = SSL_new(ctx) else { throw SSLErrors.error("could not create SSL connection") }
        defer { SSL_free(ssl) }

        var names: [TclObj] = []
        let forEach = { (stack: OpaquePointer?) in
            guard let stack else { return }
            for i in 0..<tls_sk_SSL_CIPHER_num(stack) {
                guard let cipher = tls_sk_SSL_CIPHER_value(stack, i) else { continue }
                names.append(TclObjects.string(verbose ? Self.describe(cipher) : String(cString: SSL_CIPHER_get_name(cipher))))
            }
        }
        if supported {
            let stack = SSL_get1_supported_ciphers(ssl)
            forEach(stack)
            OPENSSL_sk_free(stack)
        } else {
            forEach(SSL_get_ciphers(ssl))
        }
        return TclObjects.list(names)
    }

    /// OpenSSL's one-line description of a cipher, without its trailing newline.
    static func describe(_ cipher: OpaquePointer) -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard let p = SSL_CIPHER_description(cipher, &buf, Int32(buf.count)) else { return "" }
        var s = String(cString: p)
        while s.last?.isWhitespace == true { s.removeLast() }
        return s
    }
}
