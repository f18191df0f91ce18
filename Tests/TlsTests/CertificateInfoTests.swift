// CertificateInfo / SessionInfo / StatusKeys: the dictionaries of tls::status
// and tls::connection, checked against the openssl command line on a throwaway
// PKI and against real in-memory handshakes. Support code: CertificateInfoSupport.swift.
import Foundation
import XCTest
import CTcl
import COpenSSL
@testable import Tls

final class CertificateInfoTests: XCTestCase {
    override func setUp() {
        super.setUp()
        CITcl.ensure()
        _ = CIPKI.dir
    }

    override class func tearDown() {
        try? FileManager.default.removeItem(at: CIPKI.dir)
        super.tearDown()
    }

    private func certificateDict(_ name: String) throws -> CIDict {
        let cert = CIPKI.certificate(name + ".pem")
        defer { X509_free(cert) }
        return try CITcl.decode(CertificateInfo.dict(cert).object)
    }

    // MARK: - The key table

    func testKeyTablesHaveNoDuplicatesAndCoverBothSpellings() {
        for list in [StatusKeys.certificate, StatusKeys.session, StatusKeys.connection] {
            XCTAssertEqual(Set(list).count, list.count, "duplicate key in \(list)")
        }
        XCTAssertTrue(Set(StatusKeys.session).isDisjoint(with: StatusKeys.certificate))
        XCTAssertEqual(StatusKeys.certificate.count, 27 + StatusKeys.certificateBeyondManual.count)
        XCTAssertEqual(StatusKeys.session.count, 13 + StatusKeys.ocsp.count)
        for (a, b) in StatusKeys.aliases {
            let inStatus = StatusKeys.session.contains(a) && StatusKeys.session.contains(b)
            let inConnection = StatusKeys.connection.contains(a) && StatusKeys.connection.contains(b)
            let inCertificate = StatusKeys.certificate.contains(a) && StatusKeys.certificate.contains(b)
            XCTAssertTrue(inStatus || inConnection || inCertificate, "alias pair \(a)/\(b) not listed together")
        }
        // SPEC §5 names, both spellings.
        for key in ["signature_type", "signatureType", "verification", "verifyResult", "ca_names"] {
            XCTAssertTrue(StatusKeys.session.contains(key), key)
        }
        for key in ["renegotiation", "renegotiation_allowed", "securitylevel", "security_level",
                    "bits", "algorithm_bits", "id", "cipher_id", "caList", "handshake_digest",
                    "session_id", "session_ticket", "ticket_app_data", "master_key", "session"] {
            XCTAssertTrue(StatusKeys.connection.contains(key), key)
        }
    }

    // MARK: - Certificate part against `openssl x509`

    func testServerCertificateMatchesOpenSSL() throws {
        let d = try certificateDict("server")
        XCTAssertEqual(d.keys, StatusKeys.certificate)

        XCTAssertEqual(d["sha256_hash"], CIPKI.colonHex(CIPKI.x509("server.pem", "-fingerprint", "-sha256")))
        XCTAssertEqual(d["sha1_hash"], CIPKI.colonHex(CIPKI.x509("server.pem", "-fingerprint", "-sha1")))
        XCTAssertEqual(d["sha256_hash"]?.count, 64)
        XCTAssertEqual(d["serialNumber"], CIPKI.field(CIPKI.x509("server.pem", "-serial"), "serial"))
        XCTAssertEqual(d["serialNumber"], "0123456789AB")
        XCTAssertEqual(d["subject"], CIPKI.field(CIPKI.x509("server.pem", "-subject", "-nameopt", "RFC2253"), "subject"))
        XCTAssertEqual(d["subject"], "CN=localhost,OU=Servers,O=CertInfo Test,C=US")
        XCTAssertEqual(d["issuer"], CIPKI.field(CIPKI.x509("server.pem", "-issuer", "-nameopt", "RFC2253"), "issuer"))
        let dates = CIPKI.x509("server.pem", "-dates")
        XCTAssertEqual(d["notBefore"], CIPKI.field(dates, "notBefore"))
        XCTAssertEqual(d["notAfter"], CIPKI.field(dates, "notAfter"))
        XCTAssertTrue(d["notAfter"]!.hasSuffix(" GMT"))
        XCTAssertEqual(d["version"], "3")
        XCTAssertEqual(d["certificate"], try String(contentsOfFile: CIPKI.path("server.pem"), encoding: .utf8))
        XCTAssertTrue(d["certificate"]!.hasPrefix("-----BEGIN CERTIFICATE-----\n"))

        XCTAssertEqual(d.lists["subjectAltName"], ["DNS:localhost", "IP Address:127.0.0.1", "IP Address:0:0:0:0:0:0:0:1",
                                                   "email:admin@example.com", "URI:https://localhost/"])
        XCTAssertEqual(d.lists["ocsp"], CIPKI.x509("server.pem", "-ocsp_uri").split(separator: "\n").map(String.init))
        XCTAssertEqual(d.lists["ocsp"], ["http://ocsp.example.com/", "http://ocsp2.example.com/"])
        XCTAssertEqual(d["num_extensions"], "7")
        XCTAssertEqual(d.lists["extensions"], [
            "X509v3 Basic Constraints", "0", "X509v3 Key Usage", "1", "X509v3 Extended Key Usage", "0",
            "X509v3 Subject Alternative Name", "0", "Authority Information Access", "0",
            "X509v3 Subject Key Identifier", "0", "X509v3 Authority Key Identifier", "0",
        ])
        XCTAssertEqual(d["subjectKeyIdentifier"], CIPKI.colonHex(CIPKI.x509("server.pem", "-ext", "subjectKeyIdentifier")))
        XCTAssertEqual(d["subjectKeyIdentifier"]?.count, 40)
        XCTAssertEqual(d["authorityKeyIdentifier"], CIPKI.colonHex(CIPKI.x509("server.pem", "-ext", "authorityKeyIdentifier")))
        XCTAssertEqual(d["authorityKeyIdentifier"], try certificateDict("ca")["subjectKeyIdentifier"])
        XCTAssertEqual(d["issuerUniqueID"], "")
        XCTAssertEqual(d["subjectUniqueID"], "")

        XCTAssertEqual(d["signatureAlgorithm"], "sha256WithRSAEncryption")
        XCTAssertEqual(d["signature"], "sha256WithRSAEncryption")
        XCTAssertEqual(d["signatureDigest"], "sha256")
        XCTAssertEqual(d["publicKeyAlgorithm"], "rsaEncryption")
        XCTAssertEqual(d["bits"], "2048")
        XCTAssertEqual(d["self_signed"], "0")

        // The signature is the DER's last bytes; the public key ends the SubjectPublicKeyInfo.
        let derHex = CertificateInfo.hex(CIPKI.der("server.pem"))
        XCTAssertEqual(d["signatureValue"]?.count, 512)
        XCTAssertTrue(derHex.hasSuffix(d["signatureValue"]!))
        let spkiHex = CertificateInfo.hex(CIPKI.publicKeyDER("server.pem"))
        XCTAssertTrue(d["publicKey"]!.count > 500 && spkiHex.hasSuffix(d["publicKey"]!))

        // `all` is OpenSSL's text dump.
        let all = d["all"]!
        XCTAssertTrue(all.hasPrefix("Certificate:\n"))
        XCTAssertEqual(all, CIPKI.x509("server.pem", "-text", "-nameopt", "compat") + "\n")
        for lower in d.strings where ["sha1_hash", "sha256_hash", "publicKey", "signatureValue",
                                      "subjectKeyIdentifier", "authorityKeyIdentifier"].contains(lower.key) {
            XCTAssertEqual(lower.value, lower.value.lowercased(), lower.key)
            XCTAssertFalse(lower.value.contains(":"), lower.key)
        }
    }

    func testSelfSignedCA() throws {
        let d = try certificateDict("ca")
        XCTAssertEqual(d.keys, StatusKeys.certificate)
        XCTAssertEqual(d["self_signed"], "1")
        XCTAssertEqual(d["subject"], d["issuer"])
        XCTAssertEqual(d["subject"], "CN=CertInfo Root CA,O=CertInfo Test,C=US")
        XCTAssertEqual(d["serialNumber"], CIPKI.field(CIPKI.x509("ca.pem", "-serial"), "serial"))
        XCTAssertEqual(d["sha256_hash"], CIPKI.colonHex(CIPKI.x509("ca.pem", "-fingerprint", "-sha256")))
        XCTAssertTrue(d.lists["extensions"]!.contains("X509v3 Basic Constraints"))
    }

    func testECCertificateWithFewExtensions() throws {
        let d = try certificateDict("client")
        XCTAssertEqual(d.keys, StatusKeys.certificate)
        XCTAssertEqual(d["version"], "3")
        XCTAssertEqual(d["serialNumber"], "4D")
        XCTAssertEqual(d["serialNumber"], CIPKI.field(CIPKI.x509("client.pem", "-serial"), "serial"))
        XCTAssertEqual(d["subject"], "CN=CertInfo client")
        XCTAssertEqual(d["publicKeyAlgorithm"], "id-ecPublicKey")
        XCTAssertEqual(d["bits"], "256")
        XCTAssertEqual(d["publicKey"]?.count, 130)           // uncompressed P-256 point: 04 || x || y
        XCTAssertTrue(d["publicKey"]!.hasPrefix("04"))
        XCTAssertEqual(d["num_extensions"], "1")
        XCTAssertEqual(d.lists["extensions"], ["X509v3 Extended Key Usage", "0"])
        for key in ["subjectAltName", "ocsp"] { XCTAssertEqual(d[key], "", key) }
    }

    func testVersion1CertificateHasEveryKeyWithEmptyValues() throws {
        let d = try certificateDict("v1")
        XCTAssertEqual(d.keys, StatusKeys.certificate)
        XCTAssertEqual(d["version"], "1")
        XCTAssertEqual(d["serialNumber"], "01")
        XCTAssertEqual(d["num_extensions"], "0")
        for key in ["extensions", "authorityKeyIdentifier", "subjectKeyIdentifier", "subjectAltName",
                    "ocsp", "issuerUniqueID", "subjectUniqueID"] {
            XCTAssertEqual(d[key], "", key)
        }
        XCTAssertEqual(d["sha256_hash"], CIPKI.colonHex(CIPKI.x509("v1.pem", "-fingerprint", "-sha256")))
    }

    func testNonASCIISubjectIsUTF8RFC2253() throws {
        let d = try certificateDict("utf8")
        XCTAssertEqual(d["subject"], "C=DE,O=Ünïcode\\, Inc.,CN=Zoë Test")
        XCTAssertEqual(d["subject"], CIPKI.field(CIPKI.x509("utf8.pem", "-subject", "-nameopt", "RFC2253,-esc_msb"), "subject"))
        XCTAssertEqual(d["issuer"], d["subject"])
        XCTAssertEqual(d["self_signed"], "1")
    }

    // MARK: - tls::status and tls::connection on real handshakes

    func testTLS13StatusAndConnection() throws {
        let conn = try CIConnection(
            client: CIEndpoint(trust: "ca", alpn: ["h2", "http/1.1"], servername: "localhost"),
            server: CIEndpoint(certificate: "server", alpn: ["http/1.1"]))

        // Client: the server's certificate.
        let s = try CITcl.decode(SessionInfo.status(conn.client, local: false))
        XCTAssertEqual(s.keys, StatusKeys.session + StatusKeys.certificate)
        XCTAssertEqual(s["protocol"], "TLSv1.3")
        XCTAssertEqual(s["protocol"], String(cString: SSL_get_version(conn.client)))
        XCTAssertEqual(s["cipher"], String(cString: SSL_CIPHER_get_name(SSL_get_current_cipher(conn.client))))
        XCTAssertTrue(s["cipher"]!.hasPrefix("TLS_"))
        XCTAssertTrue(["128", "256"].contains(s["sbits"]!), s["sbits"]!)
        XCTAssertEqual(s["alpn"], "http/1.1")
        XCTAssertEqual(s["peername"], "localhost")
        XCTAssertEqual(s["verification"], "ok")
        XCTAssertEqual(s["verifyResult"], "ok")
        XCTAssertEqual(s["signatureHashAlgorithm"], "sha256")
        XCTAssertEqual(s["signature_type"], "rsassaPss")
        XCTAssertEqual(s["signatureType"], s["signature_type"])
        XCTAssertEqual(s.lists["verifyMode"], ["peer"])
        XCTAssertEqual(s["ca_names"], "")
        XCTAssertEqual(s["sha256_hash"], CIPKI.colonHex(CIPKI.x509("server.pem", "-fingerprint", "-sha256")))
        XCTAssertEqual(s["serialNumber"], "0123456789AB")
        XCTAssertEqual(s["subject"], "CN=localhost,OU=Servers,O=CertInfo Test,C=US")

        // Server, -local: its own certificate; without -local: no client certificate, keys still there.
        let local = try CITcl.decode(SessionInfo.status(conn.server, local: true))
        XCTAssertEqual(local.keys, StatusKeys.session + StatusKeys.certificate)
        XCTAssertEqual(local["sha256_hash"], s["sha256_hash"])
        XCTAssertEqual(local["signatureHashAlgorithm"], "sha256")
        XCTAssertEqual(local["signature_type"], "rsassaPss")
        XCTAssertEqual(local.lists["verifyMode"], [])
        let peerless = try CITcl.decode(SessionInfo.status(conn.server, local: false))
        XCTAssertEqual(peerless.keys, StatusKeys.session + StatusKeys.certificate)
        XCTAssertEqual(peerless["protocol"], "TLSv1.3")
        for key in StatusKeys.certificate { XCTAssertEqual(peerless[key], "", key) }
        XCTAssertEqual(peerless["signatureHashAlgorithm"], "undefined")

        // tls::connection on the client.
        let c = try CITcl.decode(SessionInfo.connection(conn.client))
        XCTAssertEqual(c.keys, StatusKeys.connection)
        XCTAssertEqual(c["state"], "SSL negotiation finished successfully")
        XCTAssertEqual(c["servername"], "localhost")
        XCTAssertEqual(c["protocol"], "TLSv1.3")
        XCTAssertEqual(c["session_reused"], "0")
        XCTAssertEqual(c["is_server"], "0")
        XCTAssertEqual(c["compression"], "none")
        XCTAssertEqual(c["expansion"], "none")
        XCTAssertEqual(c["securitylevel"], String(SSL_get_security_level(conn.client)))
        XCTAssertEqual(c["security_level"], c["securitylevel"])
        XCTAssertEqual(c["renegotiation_allowed"], c["renegotiation"])
        XCTAssertEqual(c["cipher"], s["cipher"])
        XCTAssertEqual(c["standard_name"], s["cipher"])      // TLS 1.3 suites have their RFC names
        XCTAssertEqual(c["secret_bits"], s["sbits"])
        XCTAssertEqual(c["bits"], s["sbits"])
        XCTAssertEqual(c["algorithm_bits"], c["bits"])
        XCTAssertEqual(c["min_version"], "TLSv1.3")
        XCTAssertEqual(c["id"], String(SSL_CIPHER_get_id(SSL_get_current_cipher(conn.client))))
        XCTAssertEqual(c["cipher_id"], c["id"])
        XCTAssertEqual(c["cipher_is_aead"], "1")
        XCTAssertTrue(c["description"]!.hasPrefix(c["cipher"]!), c["description"]!)
        XCTAssertFalse(c["description"]!.hasSuffix("\n"))
        XCTAssertEqual(c["handshake_digest"], s["cipher"]!.hasSuffix("SHA384") ? "SHA384" : "SHA256")
        XCTAssertEqual(c["alpn"], "http/1.1")
        XCTAssertEqual(c["resumable"], "1")
        let now = Int(Date().timeIntervalSince1970)
        XCTAssertLessThanOrEqual(abs(Int(c["start_time"]!)! - now), 60)
        XCTAssertGreaterThan(Int(c["timeout"]!)!, 0)
        XCTAssertGreaterThan(Int(c["lifetime"]!)!, 0)       // the ticket's lifetime hint
        XCTAssertFalse(c.bytes["session_ticket"]!.isEmpty)   // the ticket arrived after the handshake
        XCTAssertFalse(c.bytes["master_key"]!.isEmpty)
        XCTAssertEqual(c.bytes["session"], SessionInfo.sessionData(conn.client))
        XCTAssertEqual(c["session_cache_mode"], "server")   // OpenSSL's default mode

        // ... and on the server.
        let sc = try CITcl.decode(SessionInfo.connection(conn.server))
        XCTAssertEqual(sc.keys, StatusKeys.connection)
        XCTAssertEqual(sc["is_server"], "1")
        XCTAssertEqual(sc["servername"], "localhost")
        XCTAssertEqual(sc["cipher"], c["cipher"])
        XCTAssertEqual(sc["alpn"], "http/1.1")
        XCTAssertEqual(sc["session_ticket"], "")
    }

    func testTLS12WithClientCertificate() throws {
        let conn = try CIConnection(
            client: CIEndpoint(certificate: "client", trust: "ca", maxVersion: TLS1_2_VERSION, servername: "localhost"),
            server: CIEndpoint(certificate: "server", trust: "ca", requirePeer: true))

        // The server sees the client's certificate.
        let s = try CITcl.decode(SessionInfo.status(conn.server, local: false))
        XCTAssertEqual(s.keys, StatusKeys.session + StatusKeys.certificate)
        XCTAssertEqual(s["protocol"], "TLSv1.2")
        XCTAssertEqual(s["subject"], "CN=CertInfo client")
        XCTAssertEqual(s["sha256_hash"], CIPKI.colonHex(CIPKI.x509("client.pem", "-fingerprint", "-sha256")))
        XCTAssertEqual(s["verifyResult"], "ok")
        XCTAssertEqual(s.lists["verifyMode"], ["peer", "fail if no peer cert"])
        XCTAssertEqual(s.lists["ca_names"], ["CN=CertInfo Root CA,O=CertInfo Test,C=US"])
        XCTAssertEqual(s["signature_type"], "id-ecPublicKey")
        XCTAssertEqual(s["alpn"], "")
        XCTAssertEqual(s["peername"], "")

        // The client: its own certificate with -local, and the CA list the server sent.
        let local = try CITcl.decode(SessionInfo.status(conn.client, local: true))
        XCTAssertEqual(local["subject"], "CN=CertInfo client")
        XCTAssertEqual(local["signature_type"], "id-ecPublicKey")
        let peer = try CITcl.decode(SessionInfo.status(conn.client, local: false))
        XCTAssertEqual(peer["subject"], "CN=localhost,OU=Servers,O=CertInfo Test,C=US")
        XCTAssertEqual(peer.lists["ca_names"], ["CN=CertInfo Root CA,O=CertInfo Test,C=US"])

        let c = try CITcl.decode(SessionInfo.connection(conn.client))
        XCTAssertEqual(c.keys, StatusKeys.connection)
        XCTAssertEqual(c["protocol"], "TLSv1.2")
        XCTAssertEqual(c["renegotiation"], "1")               // RFC 5746 support in TLS 1.2
        XCTAssertTrue(c["cipher"]!.hasPrefix("ECDHE-RSA-"), c["cipher"]!)
        XCTAssertTrue(c["standard_name"]!.hasPrefix("TLS_ECDHE_RSA_WITH_"), c["standard_name"]!)
        XCTAssertEqual(c["min_version"], "TLSv1.2")
        XCTAssertEqual(c.bytes["master_key"]?.count, 48)
        XCTAssertEqual(c.bytes["session_id"]?.count, 32)
        XCTAssertFalse(c.bytes["session_ticket"]!.isEmpty)
        XCTAssertEqual(c.lists["caList"], ["/C=US/O=CertInfo Test/CN=CertInfo Root CA"])
        let sc = try CITcl.decode(SessionInfo.connection(conn.server))
        XCTAssertEqual(sc.bytes["master_key"], c.bytes["master_key"])
    }

    // MARK: - The `session` bytes resume a later connection

    func testSessionDataResumesTLS13() throws { try resumes(TLS1_3_VERSION) }
    func testSessionDataResumesTLS12() throws { try resumes(TLS1_2_VERSION) }

    private func resumes(_ version: Int32) throws {
        let client = CIEndpoint(trust: "ca", maxVersion: version, servername: "localhost")
        let first = try CIConnection(client: client, server: CIEndpoint(certificate: "server"))
        let c1 = try CITcl.decode(SessionInfo.connection(first.client))
        XCTAssertEqual(c1["session_reused"], "0")
        let session = c1.bytes["session"]!
        XCTAssertFalse(session.isEmpty)

        let second = try CIConnection(client: client, server: CIEndpoint(), serverContext: first.serverContext,
                                      session: session)
        let c2 = try CITcl.decode(SessionInfo.connection(second.client))
        XCTAssertEqual(c2["session_reused"], "1")
        XCTAssertEqual(try CITcl.decode(SessionInfo.connection(second.server))["session_reused"], "1")
        // A resumed session still reports the server certificate.
        let s2 = try CITcl.decode(SessionInfo.status(second.client, local: false))
        XCTAssertEqual(s2["sha256_hash"], CIPKI.colonHex(CIPKI.x509("server.pem", "-fingerprint", "-sha256")))
        if version == TLS1_2_VERSION { XCTAssertEqual(c2["session_id"], c1["session_id"]) }
    }
}
