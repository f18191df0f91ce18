// VirtualHost: which -sni entry serves a name, and what its options become.
import XCTest
@testable import Tls

final class VirtualHostTests: XCTestCase {
    private func host(_ pattern: String, certFile: String = "c.pem") -> VirtualHost {
        var o = TlsOptions()
        o.certFile = certFile
        return VirtualHost(pattern: pattern, overrides: o)
    }

    func testWildcardMatchesExactlyOneLabel() {
        let wild = "*.example.com"
        XCTAssertTrue(VirtualHost.matches(wild, "www.example.com"))
        XCTAssertFalse(VirtualHost.matches(wild, "example.com"))
        XCTAssertFalse(VirtualHost.matches(wild, "a.b.example.com"))
        XCTAssertFalse(VirtualHost.matches(wild, ".example.com"))
        XCTAssertFalse(VirtualHost.matches(wild, "wwwexample.com"))
    }

    func testExactNamesWinOverWildcardsWhateverTheOrder() {
        let hosts = ["*.example.com", "www.example.com", "other.test"]
        XCTAssertEqual(VirtualHost.lookup(hosts, "www.example.com"), 1)
        XCTAssertEqual(VirtualHost.lookup(hosts, "WWW.Example.COM."), 1)
        XCTAssertEqual(VirtualHost.lookup(hosts, "img.example.com"), 0)
        XCTAssertEqual(VirtualHost.lookup(hosts, "other.test"), 2)
        XCTAssertNil(VirtualHost.lookup(hosts, "example.com"))
        XCTAssertNil(VirtualHost.lookup(hosts, ""))
        XCTAssertEqual(VirtualHost.lookup(hosts, pattern: " WWW.example.com. "), 1)
        XCTAssertNil(VirtualHost.lookup(hosts, pattern: "img.example.com"))
    }

    func testHostOptionsReplaceTheIdentityOnly() {
        var main = TlsOptions()
        main.server = true
        main.certFile = "main.pem"
        main.keyFile = "main.key"
        main.ocspResponse = "main.ocsp"
        main.cipher = "HIGH"
        main.ticketKeys = "t.keys"
        main.sni = [host("a.test", certFile: "a.pem")]
        let o = main.sni[0].options(from: main)
        XCTAssertEqual(o.certFile, "a.pem")
        XCTAssertNil(o.keyFile)  // the host's -certfile holds its key, not main.key
        XCTAssertNil(o.ocspResponse)  // main.ocsp is about another certificate
        XCTAssertEqual(o.cipher, "HIGH")
        XCTAssertEqual(o.ticketKeys, "t.keys")
        XCTAssertTrue(o.sni.isEmpty)
    }
}
