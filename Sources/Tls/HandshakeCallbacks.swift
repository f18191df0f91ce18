// OpenSSL's callbacks during and after the handshake, as small trampolines:
// each finds its channel through the SSL's app data and calls one method.
// The scripts they run are the channel's -command and -validatecommand.
@preconcurrency import CTcl
import COpenSSL
import Glibc

enum HandshakeCallbacks {
    /// Context-wide callbacks; each one asks the channel what to do.
    static func install(on context: SSLContext) {
        let ctx = context.ctx
        SSL_CTX_sess_set_new_cb(ctx, newSession)
        if context.isServer {
            SSL_CTX_set_client_hello_cb(ctx, clientHello, nil)
            _ = tls_SSL_CTX_set_tlsext_servername_callback(ctx, serverName)
            SSL_CTX_set_alpn_select_cb(ctx, alpnSelect, nil)
            if context.ocspResponse != nil { _ = tls_SSL_CTX_set_tlsext_status_cb(ctx, stapleResponse) }
            if context.ticketKeys != nil { _ = SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, ticketKey) }
        } else {
            // Called only for connections that asked for a status (-ocsp).
            _ = tls_SSL_CTX_set_tlsext_status_cb(ctx, checkStapledResponse)
        }
    }

    /// Per connection, when the script wants -command notifications.
    static func installNotifications(on ssl: OpaquePointer) {
        SSL_set_info_callback(ssl, info)
        if tls_built_with_trace() != 0 { SSL_set_msg_callback(ssl, message) }
    }

    static let verify: @convention(c) (Int32, OpaquePointer?) -> Int32 = { preverify, store in
        guard let store,
              let raw = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()),
              let ch = channel(OpaquePointer(raw)) else { return preverify }
        return ch.verify(preverify: preverify != 0, store: store) ? 1 : 0
    }
}

private func channel(_ ssl: OpaquePointer?) -> TlsChannel? {
    guard let ssl, let p = tls_SSL_get_app_data(ssl) else { return nil }
    let ch = Unmanaged<TlsChannel>.fromOpaque(p).takeUnretainedValue()
    return ch.stage == .closed ? nil : ch
}

private func newSession(_ ssl: OpaquePointer?, _ session: OpaquePointer?) -> Int32 {
    if let session { channel(ssl)?.sessionArrived(session) }
    return 0  // we did not keep OpenSSL's reference
}

private func clientHello(_ ssl: OpaquePointer?, _ alert: UnsafeMutablePointer<Int32>?, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let ssl, let ch = channel(ssl) else { return SSL_CLIENT_HELLO_SUCCESS }
    var sessionId: UnsafePointer<UInt8>? = nil
    let sessionIdLength = SSL_client_hello_get0_session_id(ssl, &sessionId)
    if ch.decide("hello", [TclObjects.string(ServerNameExtension.read(ssl) ?? ""),
                           TclObjects.bytes(sessionId, sessionIdLength)]) == 0 {
        alert?.pointee = SSL_AD_HANDSHAKE_FAILURE
        return SSL_CLIENT_HELLO_ERROR
    }
    return SSL_CLIENT_HELLO_SUCCESS
}

private func serverName(_ ssl: OpaquePointer?, _ alert: UnsafeMutablePointer<Int32>?, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let ssl, let ch = channel(ssl) else { return SSL_TLSEXT_ERR_OK }
    let name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name).map { String(cString: $0) } ?? ""
    let hosts = ch.connection.context.virtualHosts
    let answer = ch.answer("sni", [TclObjects.string(name)])
    // Instead of 0, 1 or 2 the script may name the -sni entry to serve.
    if let answer, !hosts.isEmpty, let named = VirtualHost.lookup(hosts.map(\.host.pattern), pattern: answer) {
        ch.connection.serve(hosts[named].host, hosts[named].context)
        return SSL_TLSEXT_ERR_OK
    }
    switch answer.flatMap({ Callbacks.decisionValue($0) }) {
    case 0:
        alert?.pointee = SSL_AD_UNRECOGNIZED_NAME
        return SSL_TLSEXT_ERR_ALERT_FATAL
    case 2: return SSL_TLSEXT_ERR_NOACK
    default:
        if !hosts.isEmpty, let matching = VirtualHost.lookup(hosts.map(\.host.pattern), name) {
            ch.connection.serve(hosts[matching].host, hosts[matching].context)
        }
        return SSL_TLSEXT_ERR_OK
    }
}

private func stapleResponse(_ ssl: OpaquePointer?, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let ssl, let der = SSLContext.of(SSL_get_SSL_CTX(ssl))?.ocspResponse,
          let copy = tls_OPENSSL_malloc(der.count) else { return SSL_TLSEXT_ERR_NOACK }
    copy.copyMemory(from: der, byteCount: der.count)
    // OpenSSL takes the copy and frees it with the connection.
    _ = tls_SSL_set_tlsext_status_ocsp_resp(ssl, copy.assumingMemoryBound(to: UInt8.self), der.count)
    return SSL_TLSEXT_ERR_OK
}

private func checkStapledResponse(_ ssl: OpaquePointer?, _ arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let ssl, let ch = channel(ssl) else { return 1 }
    return ch.connection.checkStapledResponse() ? 1 : 0
}

private func ticketKey(_ ssl: OpaquePointer?, _ name: UnsafeMutablePointer<UInt8>?, _ iv: UnsafeMutablePointer<UInt8>?,
                       _ cipher: OpaquePointer?, _ mac: OpaquePointer?, _ encrypt: Int32) -> Int32 {
    guard let ssl, let name, let iv, let cipher, let mac,
          let keys = SSLContext.of(SSL_get_SSL_CTX(ssl))?.ticketKeys else { return -1 }
    return keys.apply(name: name, iv: iv, cipher: cipher, mac: mac, encrypt: encrypt != 0)
}

private func alpnSelect(_ ssl: OpaquePointer?, _ out: UnsafeMutablePointer<UnsafePointer<UInt8>?>?,
                        _ outlen: UnsafeMutablePointer<UInt8>?, _ input: UnsafePointer<UInt8>?, _ inlen: UInt32,
                        _ arg: UnsafeMutableRawPointer?) -> Int32 {
    guard let ssl, let ch = channel(ssl), let input, let out, let outlen else { return SSL_TLSEXT_ERR_NOACK }
    let offered = UnsafeBufferPointer(start: input, count: Int(inlen))
    guard let (offset, match) = ch.selectALPN(offered) else { return SSL_TLSEXT_ERR_NOACK }
    let length = offered[offset]
    out.pointee = input + offset + 1
    outlen.pointee = length
    let proto = String(decoding: UnsafeBufferPointer(start: input + offset + 1, count: Int(length)), as: UTF8.self)
    switch ch.decide("alpn", [TclObjects.string(proto), TclObjects.bool(match)]) {
    case 0: return SSL_TLSEXT_ERR_ALERT_FATAL
    case 2: return SSL_TLSEXT_ERR_NOACK
    case 1: return SSL_TLSEXT_ERR_OK
    default: return match ? SSL_TLSEXT_ERR_OK : SSL_TLSEXT_ERR_NOACK
    }
}

private func info(_ ssl: OpaquePointer?, _ where_: Int32, _ ret: Int32) {
    guard let ch = channel(ssl) else { return }
    let major: String, minor: String, message: String, type: String
    if where_ & SSL_CB_ALERT != 0 {
        major = "alert"
        minor = where_ & SSL_CB_READ != 0 ? "read" : "write"
        message = String(cString: SSL_alert_desc_string_long(ret))
        switch String(cString: SSL_alert_type_string_long(ret)) {
        case "warning": type = "warning"
        case "fatal": type = "fatal"
        default: type = "unknown"
        }
    } else {
        let role = where_ & SSL_ST_ACCEPT != 0 ? "accept" : "connect"
        if where_ & SSL_CB_HANDSHAKE_START != 0 { (major, minor) = ("handshake", "start") }
        else if where_ & SSL_CB_HANDSHAKE_DONE != 0 { (major, minor) = ("handshake", "done") }
        else if where_ & SSL_CB_LOOP != 0 { (major, minor) = (role, "loop") }
        else if where_ & SSL_CB_EXIT != 0 { (major, minor) = (role, "exit") }
        else { return }
        message = String(cString: SSL_state_string_long(ssl))
        type = "info"
    }
    ch.notify("info", [major, minor, message, type].map(TclObjects.string))
}

private func message(_ writeP: Int32, _ version: Int32, _ contentType: Int32, _ buf: UnsafeRawPointer?, _ len: Int,
                     _ ssl: OpaquePointer?, _ arg: UnsafeMutableRawPointer?) {
    // Each protocol message with SSL_trace's text as it is, as TclTLS 2.0
    // passes it; not OpenSSL's pseudo content types 256 and 257 (a record's
    // header, TLS 1.3's inner content type), which TclTLS 2.0 also passes:
    // they say nothing the message itself does not, and would cost one more
    // Tcl call per record read or written (three times the time of a
    // -command server in threads.test).
    guard contentType < 256, let ch = channel(ssl) else { return }
    guard let bio = BIO_new(BIO_s_mem()) else { return }
    defer { BIO_free(bio) }
    SSL_trace(writeP, version, contentType, buf, len, ssl, UnsafeMutableRawPointer(bio))
    var data: UnsafeMutablePointer<CChar>? = nil
    let n = tls_BIO_get_mem_data(bio, &data)
    let trace = data.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: n), as: UTF8.self) } ?? ""
    ch.notify("message", [TclObjects.string(writeP != 0 ? "Sent" : "Received"),
                          TclObjects.string(ProtocolNames.version(version)),
                          TclObjects.string(ProtocolNames.contentType(contentType)),
                          TclObjects.string(trace)])
}

enum ProtocolNames {
    static func version(_ v: Int32) -> String {
        switch v {
        case SSL3_VERSION: return "SSLv3"
        case TLS1_VERSION: return "TLSv1"
        case TLS1_1_VERSION: return "TLSv1.1"
        case TLS1_2_VERSION: return "TLSv1.2"
        case TLS1_3_VERSION: return "TLSv1.3"
        default: return "unknown"
        }
    }

    /// TclTLS 2.0's names of the content types (`Handshake` and `Change
    /// Cipher` seen side by side with it).
    static func contentType(_ t: Int32) -> String {
        switch t {
        case 20: return "Change Cipher"
        case 21: return "Alert"
        case 22: return "Handshake"
        case 23: return "Application Data"
        case 24: return "Heartbeat"
        default: return "unknown"
        }
    }
}

/// The server_name extension of a ClientHello, read before OpenSSL parses it.
enum ServerNameExtension {
    static func read(_ ssl: OpaquePointer) -> String? {
        var p: UnsafePointer<UInt8>? = nil
        var len = 0
        guard SSL_client_hello_get0_ext(ssl, UInt32(TLSEXT_TYPE_server_name), &p, &len) == 1, let p else { return nil }
        return parse(UnsafeBufferPointer(start: p, count: len))
    }

    /// The host name in the extension's bytes as the client sent them (untrusted).
    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> String? {
        let len = b.count
        // list length (2), name type (1, 0 = host_name), name length (2), name
        guard len > 5, b[2] == 0 else { return nil }
        let n = Int(b[3]) << 8 | Int(b[4])
        guard 5 + n <= len else { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: b[5..<(5 + n)]), as: UTF8.self)
    }
}

// MARK: what the channel does with them

extension TlsChannel {
    /// -command: `script kind chan args...`; the result is ignored. The
    /// arguments are only made when there is a script (a Tcl object made
    /// and never used would be lost: one per server connection, before).
    func notify(_ kind: String, _ args: @autoclosure () -> [TclObj]) {
        guard let command = options.command, let interp else { return }
        holdForCallback()
        Callbacks.invoke(interp, command.obj, [TclObjects.string(kind), TclObjects.string(name)] + args())
    }

    /// -validatecommand: `script kind chan args...` → 0, 1, 2; nil without a
    /// script or when it returned no number (as TclTLS 2.0, the decision is
    /// then OpenSSL's or the default). A script that fails or closes the
    /// channel rejects.
    func decide(_ kind: String, _ args: @autoclosure () -> [TclObj]) -> Int? {
        answer(kind, args()).flatMap { Callbacks.decisionValue($0) }
    }

    /// -validatecommand's result as a string; nil without a script, "0"
    /// when it failed, closed the channel or no interpreter holds it.
    func answer(_ kind: String, _ args: @autoclosure () -> [TclObj]) -> String? {
        guard let vcmd = options.validateCommand else { return nil }
        // No interpreter of this thread holds the channel: reject.
        guard let interp else { return "0" }
        holdForCallback()
        let answer = Callbacks.string(interp, vcmd.obj, [TclObjects.string(kind), TclObjects.string(name)] + args())
        return isLetGo ? "0" : (answer ?? "0")
    }

    func verify(preverify: Bool, store: OpaquePointer) -> Bool {
        if X509_STORE_CTX_get_error_depth(store) == 0,
           !connection.acceptsPinned(X509_STORE_CTX_get_current_cert(store)) {
            X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION)
            return false
        }
        guard options.validateCommand != nil else {
            return preverify || !options.effectiveRequire
        }
        let depth = X509_STORE_CTX_get_error_depth(store)
        let error = X509_STORE_CTX_get_error(store)
        let cert = X509_STORE_CTX_get_current_cert(store).map { CertificateInfo.dict($0).object } ?? TclObjects.list([])
        let message = String(cString: X509_verify_cert_error_string(Int(error)))
        guard let answer = decide("verify", [TclObjects.int(Int(depth)), cert, TclObjects.bool(preverify),
                                             TclObjects.string(message)]) else {
            return preverify || !options.effectiveRequire
        }
        if answer == 0 {
            if preverify { X509_STORE_CTX_set_error(store, X509_V_ERR_APPLICATION_VERIFICATION) }
            return false
        }
        return true
    }

    /// The ALPN protocol to choose from the client's list: the first of ours
    /// the client also offers (match), else the client's first. Offsets index
    /// the length byte in the wire-format list.
    func selectALPN(_ offered: UnsafeBufferPointer<UInt8>) -> (offset: Int, match: Bool)? {
        let entries = ALPN.entries(offered)
        guard let first = entries.first else { return nil }
        if let ours = connection.servedHost?.alpn ?? options.alpn {
            for name in ours {
                if let e = entries.first(where: { $0.name == name }) { return (e.offset, true) }
            }
        } else if options.validateCommand == nil {
            return nil
        }
        return (first.offset, false)
    }

    func sessionArrived(_ session: OpaquePointer) {
        if !connection.isServer {
            connection.context.sessions.remember(session, for: options.serverName ?? "")
        }
        // Clients only, as TclTLS 2.0 (a server's new sessions are its own).
        guard options.command != nil, !connection.isServer else { return }
        var idLength: UInt32 = 0
        let id = SSL_SESSION_get_id(session, &idLength)
        var ticket: UnsafePointer<UInt8>? = nil
        var ticketLength = 0
        SSL_SESSION_get0_ticket(session, &ticket, &ticketLength)
        notify("session", [TclObjects.bytes(id, Int(idLength)), TclObjects.bytes(ticket, ticketLength),
                           TclObjects.int(Int(SSL_SESSION_get_ticket_lifetime_hint(session)))])
    }
}
