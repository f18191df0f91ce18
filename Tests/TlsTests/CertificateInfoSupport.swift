// Test support for CertificateInfoTests: decoding of the dictionaries (in the
// shared TclHarness interpreter), a throwaway PKI made with the openssl
// command line, and in-memory TLS handshakes between two SSL objects.
// Names carry a `CI` prefix so they cannot collide with other test helpers.
import Foundation
import XCTest
import CTcl
import COpenSSL
@testable import Tls

/// The test process's interpreter, with the package loaded (so the stubs
/// table is set): the shared one of TclHarness.swift.
enum CITcl {
    static var interp: TclInterp { TclHarness.interp }

    static func ensure() { _ = interp }

    /// Keys in order, and the values' string forms, list elements and bytes. The
    /// list (a fresh object from the code under test) is released afterwards.
    static func decode(_ list: TclObj) throws -> CIDict {
        TclObjects.retain(list)
        defer { TclObjects.release(list) }
        let items = try TclObjects.toList(interp, list)
        XCTAssertEqual(items.count % 2, 0, "odd-length dict")
        var d = CIDict()
        for i in stride(from: 0, to: items.count - 1, by: 2) {
            let key = TclObjects.toString(items[i]), value = items[i + 1]
            d.keys.append(key)
            d.strings[key] = TclObjects.toString(value)
            d.lists[key] = (try? TclObjects.toList(interp, value))?.map(TclObjects.toString)
            d.bytes[key] = TclObjects.toBytes(value)
        }
        return d
    }
}

struct CIDict {
    var keys: [String] = []
    var strings: [String: String] = [:]
    var lists: [String: [String]] = [:]
    var bytes: [String: [UInt8]] = [:]
    subscript(_ key: String) -> String? { strings[key] }
}

/// Runs a program, returning its standard output; fails the test on a non-zero exit.
@discardableResult
func ciRun(_ args: [String], in dir: URL? = nil, file: StaticString = #filePath, line: UInt = #line) -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = args
    if let dir { p.currentDirectoryURL = dir }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    do { try p.run() } catch { XCTFail("cannot run \(args): \(error)", file: file, line: line); return "" }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    if p.terminationStatus != 0 {
        XCTFail("\(args.joined(separator: " ")) failed: \(String(decoding: errData, as: UTF8.self))", file: file, line: line)
    }
    return String(decoding: data, as: UTF8.self)
}

/// A PKI made once per process in a temporary directory:
///   ca      RSA 2048, self-signed, "CertInfo Root CA"
///   server  RSA 2048 signed by ca, CN=localhost, SAN localhost 127.0.0.1 ::1
///           e-mail and URI, two OCSP URLs, SKI/AKI, serial 0123456789AB
///   client  EC P-256 signed by ca, v3 with clientAuth only (no SAN, no OCSP, no SKI/AKI)
///   v1      EC P-256 signed by ca, version 1 (no extensions at all)
///   utf8    EC P-256, self-signed, non-ASCII subject with a comma to escape
enum CIPKI {
    static let dir: URL = {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("tls-certinfo-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let script = """
        set -e
        exec 2>/dev/null
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 -sha256 \
            -subj "/C=US/O=CertInfo Test/CN=CertInfo Root CA"
        openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr \
            -subj "/C=US/O=CertInfo Test/OU=Servers/CN=localhost"
        cat > server.ext <<'EOF'
        basicConstraints=CA:FALSE
        keyUsage=critical,digitalSignature,keyEncipherment
        extendedKeyUsage=serverAuth
        subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1,email:admin@example.com,URI:https://localhost/
        authorityInfoAccess=OCSP;URI:http://ocsp.example.com/,OCSP;URI:http://ocsp2.example.com/
        subjectKeyIdentifier=hash
        authorityKeyIdentifier=keyid
        EOF
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -set_serial 0x0123456789AB \
            -days 825 -sha256 -extfile server.ext -out server.pem
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout client.key -out client.csr \
            -subj "/CN=CertInfo client"
        printf 'extendedKeyUsage=clientAuth\\nsubjectKeyIdentifier=none\\nauthorityKeyIdentifier=none\\n' > client.ext
        openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -set_serial 77 -days 30 -sha256 \
            -extfile client.ext -out client.pem
        openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -set_serial 1 -days 30 -sha256 -out v1.pem
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout utf8.key -out utf8.pem \
            -days 30 -utf8 -subj "/CN=Zoë Test/O=Ünïcode, Inc./C=DE"
        """
        ciRun(["sh", "-c", script], in: dir)
        return dir
    }()

    static func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    /// A certificate read with PEM_read_bio_X509; the caller frees it.
    static func certificate(_ name: String) -> OpaquePointer {
        let bio = BIO_new_file(path(name), "r")!
        defer { BIO_free(bio) }
        return PEM_read_bio_X509(bio, nil, nil, nil)!
    }

    /// `openssl x509 -in NAME -noout ARGS...`, trimmed.
    static func x509(_ name: String, _ args: String...) -> String {
        ciRun(["openssl", "x509", "-in", path(name), "-noout"] + args)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The value after `prefix=` in openssl's output (`serial=`, `notBefore=`...).
    static func field(_ output: String, _ prefix: String) -> String {
        for line in output.split(separator: "\n") where line.hasPrefix(prefix + "=") {
            return String(line.dropFirst(prefix.count + 1))
        }
        return "<\(prefix) missing>"
    }

    /// `AB:CD:...` (anywhere in the text, after `=` or `:` labels) as lower-case hex.
    static func colonHex(_ text: String) -> String {
        let afterLabel = text.split(separator: "=").last.map(String.init) ?? text
        let words = afterLabel.split(whereSeparator: { $0 == ":" || $0.isWhitespace }).map(String.init)
        let pairs: [String] = words.filter { $0.count == 2 && $0.allSatisfy { $0.isHexDigit } }
        return pairs.joined().lowercased()
    }

    static func der(_ name: String) -> [UInt8] {
        let out = path(name + ".der")
        ciRun(["openssl", "x509", "-in", path(name), "-outform", "DER", "-out", out])
        return [UInt8](FileManager.default.contents(atPath: out)!)
    }

    static func publicKeyDER(_ name: String) -> [UInt8] {
        let pem = path(name + ".pub.pem"), out = path(name + ".pub.der")
        ciRun(["openssl", "x509", "-in", path(name), "-noout", "-pubkey", "-out", pem])
        ciRun(["openssl", "pkey", "-pubin", "-in", pem, "-outform", "DER", "-out", out])
        return [UInt8](FileManager.default.contents(atPath: out)!)
    }
}

/// One side's configuration for an in-memory handshake.
struct CIEndpoint {
    var certificate: String? = nil     // PKI name, e.g. "server" (uses NAME.pem and NAME.key)
    var trust: String? = nil           // CA to verify the peer with; nil: no verification
    var requirePeer = false            // server: ask for and require a client certificate
    var maxVersion: Int32 = TLS1_3_VERSION
    var alpn: [String] = []            // client: offered; server: the first is the one accepted
    var servername: String? = nil      // client: SNI and host check
}

/// A completed in-memory TLS connection: two SSL objects joined by a BIO pair.
final class CIConnection {
    let clientContext: OpaquePointer
    let serverContext: OpaquePointer
    let client: OpaquePointer
    let server: OpaquePointer

    /// Makes contexts for both sides (reuse `serverContext` to resume against the same server).
    init(client c: CIEndpoint, server s: CIEndpoint, serverContext reuse: OpaquePointer? = nil,
         session: [UInt8]? = nil) throws {
        clientContext = try CIConnection.context(c, server: false)
        if let reuse {
            SSL_CTX_up_ref(reuse)
            serverContext = reuse
        } else {
            serverContext = try CIConnection.context(s, server: true)
        }
        client = SSL_new(clientContext)!
        server = SSL_new(serverContext)!
        if let name = c.servername {
            _ = tls_SSL_set_tlsext_host_name(client, name)
            _ = SSL_set1_host(client, name)
        }
        if !c.alpn.isEmpty {
            let wire = CIConnection.alpnWire(c.alpn)
            _ = SSL_set_alpn_protos(client, wire, UInt32(wire.count))
        }
        if let session {
            var p: UnsafePointer<UInt8>? = nil
            let sess = session.withUnsafeBufferPointer { buf -> OpaquePointer? in
                p = buf.baseAddress
                return d2i_SSL_SESSION(nil, &p, buf.count)
            }
            guard let sess else { throw CIError("d2i_SSL_SESSION failed") }
            _ = SSL_set_session(client, sess)
            SSL_SESSION_free(sess)
        }
        var clientBIO: OpaquePointer? = nil, serverBIO: OpaquePointer? = nil
        guard BIO_new_bio_pair(&clientBIO, 0, &serverBIO, 0) == 1 else { throw CIError("BIO_new_bio_pair") }
        SSL_set_bio(client, clientBIO, clientBIO)
        SSL_set_bio(server, serverBIO, serverBIO)
        SSL_set_connect_state(client)
        SSL_set_accept_state(server)
        try handshake()
    }

    deinit {
        SSL_free(client)
        SSL_free(server)
        SSL_CTX_free(clientContext)
        SSL_CTX_free(serverContext)
    }

    /// Pumps both sides until each has completed, then lets the client read any
    /// TLS 1.3 session tickets the server sent.
    private func handshake() throws {
        var clientDone = false, serverDone = false
        for _ in 0..<50 {
            if !clientDone { clientDone = try step(client, "client") }
            if !serverDone { serverDone = try step(server, "server") }
            if clientDone && serverDone {
                var buf = [UInt8](repeating: 0, count: 64)
                let n = SSL_read(client, &buf, Int32(buf.count))
                if n <= 0 && SSL_get_error(client, n) != SSL_ERROR_WANT_READ {
                    throw CIError("client read after handshake: \(SSLErrors.drain())")
                }
                return
            }
        }
        throw CIError("handshake did not finish")
    }

    private func step(_ ssl: OpaquePointer, _ side: String) throws -> Bool {
        let r = SSL_do_handshake(ssl)
        if r == 1 { return true }
        let e = SSL_get_error(ssl, r)
        guard e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE else {
            throw CIError("\(side) handshake: error \(e) \(SSLErrors.drain())")
        }
        return false
    }

    private static func context(_ e: CIEndpoint, server: Bool) throws -> OpaquePointer {
        guard let ctx = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method()) else {
            throw CIError("SSL_CTX_new")
        }
        _ = tls_SSL_CTX_set_max_proto_version(ctx, e.maxVersion)
        if let name = e.certificate {
            guard SSL_CTX_use_certificate_chain_file(ctx, CIPKI.path(name + ".pem")) == 1,
                  SSL_CTX_use_PrivateKey_file(ctx, CIPKI.path(name + ".key"), SSL_FILETYPE_PEM) == 1 else {
                throw CIError("loading \(name): \(SSLErrors.drain())")
            }
        }
        if let ca = e.trust {
            guard SSL_CTX_load_verify_locations(ctx, CIPKI.path(ca + ".pem"), nil) == 1 else {
                throw CIError("loading \(ca): \(SSLErrors.drain())")
            }
            var mode = SSL_VERIFY_PEER
            if server && e.requirePeer {
                mode |= SSL_VERIFY_FAIL_IF_NO_PEER_CERT
                SSL_CTX_set_client_CA_list(ctx, SSL_load_client_CA_file(CIPKI.path(ca + ".pem")))
            }
            if !server || e.requirePeer { SSL_CTX_set_verify(ctx, mode, nil) }
        }
        if server, let accepted = e.alpn.first {
            // The server accepts one protocol: alpn[0], if the client offers it.
            let wire = alpnWire([accepted])
            let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: wire.count)   // kept for the process
            copy.initialize(from: wire, count: wire.count)
            SSL_CTX_set_alpn_select_cb(ctx, { _, out, outlen, input, inlen, arg in
                let want = arg!.assumingMemoryBound(to: UInt8.self)
                let wantLength = Int(want[0])
                var i = 0
                while i < Int(inlen) {
                    let length = Int(input![i])
                    if length == wantLength && memcmp(input! + i + 1, want + 1, length) == 0 {
                        out!.pointee = input! + i + 1
                        outlen!.pointee = UInt8(length)
                        return SSL_TLSEXT_ERR_OK
                    }
                    i += length + 1
                }
                return SSL_TLSEXT_ERR_NOACK
            }, copy)
        }
        return ctx
    }

    static func alpnWire(_ protocols: [String]) -> [UInt8] {
        protocols.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
    }
}

struct CIError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
