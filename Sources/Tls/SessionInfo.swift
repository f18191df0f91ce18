// `tls::status` (session part) and `tls::connection`: facts about an
// established SSL connection, read with OpenSSL. The key lists and their order
// are in StatusKeys; certificate facts come from CertificateInfo.
//
// Formats of the session part of tls::status:
//   alpn                    the negotiated ALPN protocol, empty if none
//   cipher                  OpenSSL's cipher name (`TLS_AES_256_GCM_SHA384`)
//   peername                the name in the peer certificate that matched the
//                           host check (SSL_get0_peername), empty without one
//   protocol                SSL_get_version (`TLSv1.3`, `TLSv1.2`)
//   sbits                   secret bits of the cipher
//   signatureHashAlgorithm  long name of the digest of the handshake signature
//                           (`sha256`): the peer's, or ours with -local
//   signature_type,
//   signatureType           long name of that signature's type (`rsassaPss`,
//                           `rsaEncryption`, `id-ecPublicKey`, `ED25519`)
//   verification,
//   verifyResult            X509_verify_cert_error_string of the verify result (`ok`)
//   verifyDepth             SSL_get_verify_depth (-1: OpenSSL's default limit)
//   verifyMode              list of `peer`, `fail if no peer cert`, `client once`,
//                           `post handshake` (TclTLS 2.0's words); empty for none
//   ca_names                list of RFC 2253 DNs: the client CA list (a server's
//                           own, or the one a client received)
//   ocsp_status             client with -ocsp request|require: the stapled OCSP
//                           response says good, revoked or unknown; none (none
//                           stapled, or not asked for); invalid (it does not
//                           verify, is not about this certificate, or is out of date)
//   ocsp_this_update,
//   ocsp_next_update,
//   ocsp_revocation_time    the response's times (ASN1_GENERALIZEDTIME_print text)
//   ocsp_revocation_reason  CRL reason of a revoked certificate (`keyCompromise`)
//   ocsp_error              why the status is not good, empty when it is
//
// Formats of tls::connection:
//   state                   SSL_state_string_long (`SSL negotiation finished successfully`)
//   servername              the SNI name (sent by a client, received by a server)
//   protocol                SSL_get_version
//   renegotiation,
//   renegotiation_allowed   0/1: the peer supports secure renegotiation (RFC 5746)
//   securitylevel,
//   security_level          OpenSSL security level 0-5
//   session_reused          0/1
//   is_server               0/1
//   compression, expansion  compression method name, `none` without one
//   min_protocol,
//   max_protocol            the range of protocol versions in effect (`TLSv1.2`,
//                           `TLSv1.3`): the -tls1 ... -tls1.3 options, with a
//                           hole filled (ProtocolVersion.range)
//   caList                  as ca_names, each in OpenSSL's one-line form
//                           (`/CN=tls-test Root CA`), as TclTLS 2.0 returns it
//   caListCount             the number of names in caList
//   init_finished           0/1 SSL_is_init_finished
//   is_dtls                 0/1
//   dane_auth               0/1: a DANE record authenticated the peer (2.0.1
//                           says 1 without DANE)
//   waiting_for_async       0/1
//   time-out                SSL_get_default_timeout, seconds
//   ct_enabled              0/1: certificate transparency checks are on
//   sni_served              server: the -sni pattern whose certificate was
//                           served (`*.example.com`), empty for the main one
//   cipher                  OpenSSL's cipher name
//   standard_name           RFC name (`TLS_AES_256_GCM_SHA384`)
//   bits, algorithm_bits    bits processed by the cipher algorithm
//   secret_bits             secret bits
//   min_version             SSL_CIPHER_get_version (`TLSv1.3`)
//   id, cipher_id           SSL_CIPHER_get_id as a number (0x03001302 = 50336514)
//   cipher_is_aead          0/1
//   description             SSL_CIPHER_description without the trailing newline
//   handshake_digest        short name of the handshake digest (`SHA384`)
//   openssl_name            another name of cipher (StatusKeys.aliases)
//   cipherNID, digestNID, keyExchangeNID, authenticationNID
//                           long names of the cipher's parts (`aes-256-gcm`,
//                           `undefined` for AEAD's digest, `kx-ecdhe`, `auth-rsa`)
//   protocol_id             the cipher's two-byte IANA id as a number (0x1302 = 4866)
//   alpn                    ALPN protocol of the session
//   resumable               0/1
//   start_time              seconds since the epoch
//   timeout                 session timeout in seconds
//   lifetime                ticket lifetime hint in seconds (0 without a ticket)
//   session_id              byte array: the session id
//   session_ticket          byte array: the raw ticket (clients), empty otherwise
//   ticket_app_data         byte array: application data in the ticket
//   master_key              byte array: the session's master key
//   session_cache_mode      `none`, `client`, `server` or `both`
//   session                 (extension) byte array: the DER of the SSL_SESSION
//                           (i2d_SSL_SESSION), for `-session_id` to resume
//   session_context         byte array: the session id context
//   compression_id          `none`, or the compression method's id
import COpenSSL

enum SessionInfo {
    /// tls::status: the session part for `ssl` (SSL*) followed by the certificate part of the peer's
    /// certificate (or our own when local is true). The caller returns an empty list before the
    /// handshake completes, so assume it is complete.
    static func status(_ ssl: OpaquePointer, local: Bool, ocsp: OcspResult = OcspResult()) -> TclObj {
        var dict = TclDict()
        StatusKeys.emit(StatusKeys.session, from: statusValues(ssl, local: local).merging(ocsp.values) { $1 }, into: &dict)
        var certificate: [String: StatusValue] = [:]
        if local {
            if let cert = SSL_get_certificate(ssl) { certificate = CertificateInfo.values(cert) }
        } else if let cert = SSL_get1_peer_certificate(ssl) {
            certificate = CertificateInfo.values(cert)
            X509_free(cert)
        }
        StatusKeys.emit(StatusKeys.certificate, from: certificate, into: &dict)
        return dict.object
    }

    /// tls::connection: state, cipher and session groups for `ssl`.
    static func connection(_ ssl: OpaquePointer, servedHost: String = "") -> TclObj {
        var values = connectionValues(ssl)
        values["sni_served"] = .text(servedHost)
        var dict = TclDict()
        StatusKeys.emit(StatusKeys.connection, from: values, into: &dict)
        return dict.object
    }

    /// The DER of the current session (i2d_SSL_SESSION of SSL_get1_session), empty without one.
    /// `d2i_SSL_SESSION` of these bytes and `SSL_set_session` resume it in a later client.
    static func sessionData(_ ssl: OpaquePointer) -> [UInt8] {
        guard let session = SSL_get1_session(ssl) else { return [] }
        defer { SSL_SESSION_free(session) }
        return der(session)
    }

    static func der(_ session: OpaquePointer) -> [UInt8] {
        let length = i2d_SSL_SESSION(session, nil)
        guard length > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: Int(length))
        let written = bytes.withUnsafeMutableBufferPointer { buf -> Int32 in
            var p: UnsafeMutablePointer<UInt8>? = buf.baseAddress
            return i2d_SSL_SESSION(session, &p)
        }
        return written == length ? bytes : []
    }

    // MARK: - tls::status

    static func statusValues(_ ssl: OpaquePointer, local: Bool) -> [String: StatusValue] {
        var v: [String: StatusValue] = [:]
        v["alpn"] = .text(alpn(ssl))
        if let cipher = SSL_get_current_cipher(ssl) {
            v["cipher"] = .text(string(SSL_CIPHER_get_name(cipher)))
            v["sbits"] = .number(Int(SSL_CIPHER_get_bits(cipher, nil)))
        }
        v["peername"] = .text(string(SSL_get0_peername(ssl)))
        v["protocol"] = .text(string(SSL_get_version(ssl)))

        // OpenSSL's long names; `undefined` where there is none (no signature,
        // or Ed25519's, which has no separate hash), as TclTLS 2.0 says.
        var nid: Int32 = NID_undef
        _ = local ? tls_SSL_get_signature_nid(ssl, &nid) : tls_SSL_get_peer_signature_nid(ssl, &nid)
        v["signatureHashAlgorithm"] = .text(string(OBJ_nid2ln(nid)))
        nid = NID_undef
        _ = local ? SSL_get_signature_type_nid(ssl, &nid) : SSL_get_peer_signature_type_nid(ssl, &nid)
        v["signature_type"] = .text(string(OBJ_nid2ln(nid)))
        v["verification"] = .text(string(X509_verify_cert_error_string(SSL_get_verify_result(ssl))))
        v["verifyDepth"] = .number(Int(SSL_get_verify_depth(ssl)))
        v["verifyMode"] = .list(verifyMode(SSL_get_verify_mode(ssl)))
        v["ca_names"] = .list(caNames(ssl))
        return v
    }

    /// The verify mode's flags in TclTLS 2.0's words; empty for SSL_VERIFY_NONE.
    static func verifyMode(_ mode: Int32) -> [String] {
        let flags: [(Int32, String)] = [
            (SSL_VERIFY_PEER, "peer"), (SSL_VERIFY_FAIL_IF_NO_PEER_CERT, "fail if no peer cert"),
            (SSL_VERIFY_CLIENT_ONCE, "client once"), (SSL_VERIFY_POST_HANDSHAKE, "post handshake"),
        ]
        return flags.filter { mode & $0.0 != 0 }.map(\.1)
    }

    /// The client CA list as RFC 2253 DNs (ca_names), or in OpenSSL's
    /// one-line form `/CN=...` (caList, as TclTLS 2.0 returns it).
    static func caNames(_ ssl: OpaquePointer, oneLine: Bool = false) -> [String] {
        guard let names = SSL_get_client_CA_list(ssl) else { return [] }
        return (0..<tls_sk_X509_NAME_num(names)).map { i in
            let name = tls_sk_X509_NAME_value(names, i)
            guard oneLine else { return CertificateInfo.distinguishedName(name) }
            guard let line = X509_NAME_oneline(name, nil, 0) else { return "" }
            defer { tls_OPENSSL_free(line) }
            return String(cString: line)
        }
    }

    static func alpn(_ ssl: OpaquePointer) -> String {
        var data: UnsafePointer<UInt8>? = nil
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return "" }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    // MARK: - tls::connection

    static func connectionValues(_ ssl: OpaquePointer) -> [String: StatusValue] {
        var v: [String: StatusValue] = [:]
        // State
        v["state"] = .text(string(SSL_state_string_long(ssl)))
        v["servername"] = .text(string(SSL_get_servername(ssl, Int32(TLSEXT_NAMETYPE_host_name))))
        v["protocol"] = .text(string(SSL_get_version(ssl)))
        v["renegotiation"] = .flag(tls_SSL_get_secure_renegotiation_support(ssl) != 0)
        v["securitylevel"] = .number(Int(SSL_get_security_level(ssl)))
        v["session_reused"] = .flag(SSL_session_reused(ssl) != 0)
        v["is_server"] = .flag(SSL_is_server(ssl) != 0)
        v["compression"] = .text(compressionName(SSL_get_current_compression(ssl)))
        v["expansion"] = .text(compressionName(SSL_get_current_expansion(ssl)))
        v["min_protocol"] = .text(ProtocolNames.version(tls_SSL_get_min_proto_version(ssl)))
        v["max_protocol"] = .text(ProtocolNames.version(tls_SSL_get_max_proto_version(ssl)))
        let caList = caNames(ssl, oneLine: true)
        v["caList"] = .list(caList)
        v["caListCount"] = .number(caList.count)
        v["init_finished"] = .flag(SSL_is_init_finished(ssl) != 0)
        v["is_dtls"] = .flag(SSL_is_dtls(ssl) != 0)
        v["dane_auth"] = .flag(SSL_get0_dane_authority(ssl, nil, nil) >= 0)
        v["waiting_for_async"] = .flag(SSL_waiting_for_async(ssl) != 0)
        v["time-out"] = .number(Int(SSL_get_default_timeout(ssl)))
        v["ct_enabled"] = .flag(SSL_ct_is_enabled(ssl) != 0)

        // Cipher
        if let cipher = SSL_get_current_cipher(ssl) {
            v["cipher"] = .text(string(SSL_CIPHER_get_name(cipher)))
            v["standard_name"] = .text(string(SSL_CIPHER_standard_name(cipher)))
            var algorithmBits: Int32 = 0
            let secretBits = SSL_CIPHER_get_bits(cipher, &algorithmBits)
            v["bits"] = .number(Int(algorithmBits))
            v["secret_bits"] = .number(Int(secretBits))
            v["min_version"] = .text(string(SSL_CIPHER_get_version(cipher)))
            v["id"] = .number(Int(SSL_CIPHER_get_id(cipher)))
            v["cipher_is_aead"] = .flag(SSL_CIPHER_is_aead(cipher) != 0)
            v["description"] = .text(description(cipher))
            if let md = SSL_CIPHER_get_handshake_digest(cipher) {
                v["handshake_digest"] = .text(string(OBJ_nid2sn(EVP_MD_get_type(md))))
            }
            v["cipherNID"] = .text(string(OBJ_nid2ln(SSL_CIPHER_get_cipher_nid(cipher))))
            v["digestNID"] = .text(string(OBJ_nid2ln(SSL_CIPHER_get_digest_nid(cipher))))
            v["keyExchangeNID"] = .text(string(OBJ_nid2ln(SSL_CIPHER_get_kx_nid(cipher))))
            v["authenticationNID"] = .text(string(OBJ_nid2ln(SSL_CIPHER_get_auth_nid(cipher))))
            v["protocol_id"] = .number(Int(SSL_CIPHER_get_protocol_id(cipher)))
        }
        if let name = keyExchangeGroup(ssl) { v["group"] = .text(name) }

        // Session
        if let session = SSL_get_session(ssl) {
            var data: UnsafePointer<UInt8>? = nil
            var size = 0
            SSL_SESSION_get0_alpn_selected(session, &data, &size)
            v["alpn"] = .text(data.map { String(decoding: UnsafeBufferPointer(start: $0, count: size), as: UTF8.self) } ?? "")
            v["resumable"] = .flag(SSL_SESSION_is_resumable(session) != 0)
            v["start_time"] = .number(Int(SSL_SESSION_get_time(session)))
            v["timeout"] = .number(Int(SSL_SESSION_get_timeout(session)))
            v["lifetime"] = .number(Int(SSL_SESSION_get_ticket_lifetime_hint(session)))

            var idLength: UInt32 = 0
            let id = SSL_SESSION_get_id(session, &idLength)
            v["session_id"] = .bytes(bytes(id, Int(idLength)))
            data = nil
            size = 0
            SSL_SESSION_get0_ticket(session, &data, &size)
            v["session_ticket"] = .bytes(bytes(data, size))
            var appData: UnsafeMutableRawPointer? = nil
            size = 0
            if SSL_SESSION_get0_ticket_appdata(session, &appData, &size) == 1 {
                v["ticket_app_data"] = .bytes(bytes(appData.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) }, size))
            } else {
                v["ticket_app_data"] = .bytes([])
            }
            var key = [UInt8](repeating: 0, count: 256)
            let keyLength = SSL_SESSION_get_master_key(session, &key, key.count)
            v["master_key"] = .bytes(Array(key.prefix(keyLength)))
            v["session"] = .bytes(der(session))
            var contextLength: UInt32 = 0
            let context = SSL_SESSION_get0_id_context(session, &contextLength)
            v["session_context"] = .bytes(bytes(context, Int(contextLength)))
            let compression = SSL_SESSION_get_compress_id(session)
            v["compression_id"] = compression == 0 ? .text("none") : .number(Int(compression))
        } else {
            for key in ["session_id", "session_ticket", "ticket_app_data", "master_key", "session", "session_context"] {
                v[key] = .bytes([])
            }
        }
        let modes = ["none", "client", "server", "both"]
        let mode = Int(tls_SSL_CTX_get_session_cache_mode(SSL_get_SSL_CTX(ssl)) & Int(SSL_SESS_CACHE_BOTH))
        v["session_cache_mode"] = .text(modes[mode])
        return v
    }

    /// The group of the handshake's key exchange, if it had one. OpenSSL
    /// 3.0's SSL_get_negotiated_group crashes when none was negotiated
    /// (before the handshake, TLS 1.2 without ECDHE, a resumption without a
    /// key exchange), so it is asked only after a key exchange with a
    /// group: the peer sent its key share (TLS 1.3) or ECDHE key (TLS 1.2).
    static func keyExchangeGroup(_ ssl: OpaquePointer) -> String? {
        guard SSL_is_init_finished(ssl) != 0 else { return nil }
        var peerKey: OpaquePointer? = nil
        guard tls_SSL_get_peer_tmp_key(ssl, &peerKey) == 1, let peerKey else { return nil }
        EVP_PKEY_free(peerKey)
        if SSL_version(ssl) != TLS1_3_VERSION {
            guard let cipher = SSL_get_current_cipher(ssl) else { return nil }
            let kx = SSL_CIPHER_get_kx_nid(cipher)
            guard kx == NID_kx_ecdhe || kx == NID_kx_ecdhe_psk else { return nil }
        }
        let group = tls_SSL_get_negotiated_group(ssl)
        return group == 0 ? nil : SSL_group_to_name(ssl, group).map { String(cString: $0) }
    }

    static func compressionName(_ method: OpaquePointer?) -> String {
        guard let method, let name = SSL_COMP_get_name(method) else { return "none" }
        return String(cString: name)
    }

    /// OpenSSL's one-line description of a cipher, without trailing white space.
    static func description(_ cipher: OpaquePointer) -> String {
        var buf = [CChar](repeating: 0, count: 256)
        guard let p = SSL_CIPHER_description(cipher, &buf, Int32(buf.count)) else { return "" }
        var s = String(cString: p)
        while let last = s.last, last == "\n" || last == " " || last == "\t" { s.removeLast() }
        return s
    }

    static func string(_ p: UnsafePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "" }

    static func bytes(_ p: UnsafePointer<UInt8>?, _ count: Int) -> [UInt8] {
        guard let p, count > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: p, count: count))
    }
}
