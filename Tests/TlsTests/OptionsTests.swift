// TlsOptions.parse: every option of the table, aliases, errors, and the
// defaults the rest of the library derives from the parsed options.
import XCTest
import CTcl
@testable import Tls

final class OptionsTests: TclTestCase {
    private func parse(_ list: String, file: StaticString = #filePath, line: UInt = #line) -> TlsOptions? {
        do {
            return try TclHarness.parse(list)
        } catch {
            XCTFail("parse \(list): \(TclHarness.message(error) ?? "\(error)")", file: file, line: line)
            return nil
        }
    }

    private func script(_ obj: RetainedObj?) -> String? { obj.map { TclObjects.toString($0.obj) } }

    // MARK: every option of the table

    /// For each option: a value to give it (a Tcl word) and a check of what it set.
    private var cases: [String: (value: String, check: (TlsOptions) -> Bool)] {
        let bytes: [UInt8] = [0x30, 0x82, 0x00, 0xff, 0x7f]
        let hex = "[binary decode hex 308200ff7f]"
        var c: [String: (value: String, check: (TlsOptions) -> Bool)] = [
            "-alpn": ("{h2 http/1.1}", { $0.alpn == ["h2", "http/1.1"] }),
            "-handshaketimeout": ("5000", { $0.handshakeTimeout == 5000 }),
            "-groups": ("X25519:P-256", { $0.groups == "X25519:P-256" }),
            "-pinnedpubkey": ("sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", { $0.pinnedPublicKeys?.pins == ["sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="] }),
            "-cadata": ("{-----BEGIN CERTIFICATE-----}", { $0.caData == Array("-----BEGIN CERTIFICATE-----".utf8) }),
            "-cadir": ("{/etc/ssl/my certs}", { $0.caDir == "/etc/ssl/my certs" }),
            "-cafile": ("ca.pem", { $0.caFile == "ca.pem" }),
            "-castore": ("org.openssl.winstore://", { $0.caStore == "org.openssl.winstore://" }),
            "-cert": (hex, { $0.cert == bytes }),
            "-certfile": ("server.pem", { $0.certFile == "server.pem" }),
            "-cipher": ("ECDHE-RSA-AES128-GCM-SHA256:!aNULL", { $0.cipher == "ECDHE-RSA-AES128-GCM-SHA256:!aNULL" }),
            "-ciphersuites": ("TLS_AES_128_GCM_SHA256", { $0.cipherSuites == "TLS_AES_128_GCM_SHA256" }),
            "-command": ("{::my callback}", { self.script($0.command) == "::my callback" }),
            "-crldir": ("crldir", { $0.crlDir == "crldir" }),
            "-crlfile": ("crl.pem", { $0.crlFile == "crl.pem" }),
            "-dhparams": ("dh.pem", { $0.dhParams == "dh.pem" }),
            "-key": (hex, { $0.key == bytes }),
            "-keyfile": ("server.key", { $0.keyFile == "server.key" }),
            "-model": ("sock42", { $0.model == "sock42" }),
            "-nodelay": ("off", { $0.nodelay == false }),
            "-ocsp": ("require", { $0.ocsp == .require }),
            "-ocspresponse": ("server.ocsp", { $0.ocspResponse == "server.ocsp" }),
            "-password": ("{::my password}", { self.script($0.password) == "::my password" }),
            "-post_handshake": ("yes", { $0.postHandshake == true }),
            "-request": ("false", { $0.request == false }),
            "-require": ("on", { $0.require == true }),
            "-securitylevel": ("3", { $0.securityLevel == 3 }),
            "-security_level": ("4", { $0.securityLevel == 4 }),
            "-server": ("true", { $0.server }),
            "-servername": ("example.org", { $0.serverName == "example.org" }),
            "-session_id": (hex, { $0.sessionId == bytes }),
            "-sni": ("{*.example.com {-certfile w.pem -alpn h2} WWW.example.com. {-certfile x.pem -keyfile x.key}}", {
                $0.sni.map(\.pattern) == ["*.example.com", "www.example.com"]
                    && $0.sni[0].overrides.certFile == "w.pem" && $0.sni[0].overrides.alpn == ["h2"]
                    && $0.sni[1].overrides.keyFile == "x.key"
            }),
            "-ticketkeys": ("ticket.keys", { $0.ticketKeys == "ticket.keys" }),
            "-validatecommand": ("{::my validate}", { self.script($0.validateCommand) == "::my validate" }),
            "-vcmd": ("{::my vcmd}", { self.script($0.validateCommand) == "::my vcmd" }),
        ]
        for p in ProtocolVersion.allCases {
            c["-" + p.rawValue] = ("1", { $0.protocols[p] == true })
        }
        return c
    }

    func testEveryTableOptionHasACase() {
        XCTAssertEqual(Set(TlsOptions.names), Set(cases.keys),
                       "the option table and this test's cases differ")
    }

    func testEveryOptionSetsItsField() {
        for (name, c) in cases.sorted(by: { $0.key < $1.key }) {
            guard let options = parse("\(name) \(c.value)") else { continue }
            XCTAssertTrue(c.check(options), "\(name) \(c.value) did not set its field")
        }
    }

    func testAllOptionsTogether() {
        let list = cases.sorted(by: { $0.key < $1.key })
            .filter { !["-vcmd", "-security_level", "-securitylevel"].contains($0.key) }
            .map { "\($0.key) \($0.value.value)" }.joined(separator: " ")
        guard let options = parse(list) else { return }
        for (name, c) in cases where !["-vcmd", "-security_level", "-securitylevel"].contains(name) {
            XCTAssertTrue(c.check(options), "\(name) lost among the others")
        }
    }

    func testTableNamesAreUniqueAndLookLikeOptions() {
        let names = TlsOptions.names
        XCTAssertEqual(names.count, Set(names).count, "duplicate option names")
        for spec in TlsOptions.table {
            XCTAssertTrue(spec.name.hasPrefix("-") && spec.name.count > 1, spec.name)
            XCTAssertFalse(spec.argument.isEmpty, "\(spec.name) has no argument name")
            XCTAssertFalse(spec.summary.isEmpty, "\(spec.name) has no summary")
        }
    }

    func testSpecOptionsAreInTheTable() {
        // SPEC §3 and §6 (-crlfile, -crldir); -autoservername is tls::socket's own.
        let spec = ["-alpn", "-cadir", "-cafile", "-castore", "-certfile", "-cert", "-keyfile", "-key",
                    "-password", "-cipher", "-ciphersuites", "-dhparams", "-command", "-validatecommand",
                    "-vcmd", "-model", "-post_handshake", "-request", "-require", "-securitylevel",
                    "-security_level", "-server", "-servername", "-session_id", "-ssl2", "-ssl3", "-tls1",
                    "-tls1.1", "-tls1.2", "-tls1.3", "-crlfile", "-crldir"]
        XCTAssertEqual(spec.filter { !TlsOptions.names.contains($0) }, [])
        XCTAssertFalse(TlsOptions.names.contains("-autoservername"))
    }

    func testImportOptionsVariableIsTheTable() {
        let value = TclHarness.evalString("set ::tls::importOptions")
        let words = TclHarness.words(value).map(TclObjects.toString)
        XCTAssertEqual(words, TlsOptions.names)
    }

    // MARK: aliases

    func testVcmdIsAnAliasOfValidatecommand() {
        XCTAssertEqual(script(parse("-vcmd {a b}")?.validateCommand), "a b")
        XCTAssertEqual(script(parse("-validatecommand x -vcmd y")?.validateCommand), "y")
        XCTAssertEqual(script(parse("-vcmd x -validatecommand y")?.validateCommand), "y")
    }

    func testSecurityLevelAlias() {
        XCTAssertEqual(parse("-security_level 2")?.securityLevel, 2)
        XCTAssertEqual(parse("-securitylevel 1 -security_level 5")?.securityLevel, 5)
    }

    // MARK: errors

    func testBadOptionListsEveryOption() {
        let names = TlsOptions.names
        let expected = "bad option \"-foo\": must be one of "
            + names.dropLast().joined(separator: ", ") + ", or " + names.last!
        TclHarness.assertError(try TclHarness.parse("-foo 1"), expected)
        TclHarness.assertError(try TclHarness.parse("-cafile ca.pem -foo 1"), expected)
    }

    func testBadOptionErrorCode() {
        do {
            _ = try TclHarness.parse("-nope 1")
            XCTFail("no error")
        } catch let error as TclError {
            XCTAssertEqual(TclHarness.applied(error).errorCode, ["TLS", "OPTION", "-nope"])
        } catch {
            XCTFail("\(error)")
        }
    }

    func testBadOptionIsCheckedBeforeAMissingValue() {
        TclHarness.assertError(try TclHarness.parse("-foo"),
                               TlsOptions.badOption("-foo").message ?? "")
    }

    func testOptionNamesAreExact() {
        for word in ["-CAFILE", "-cafil", "cafile", "-", "", "--cafile", "-tls1.4", "-validate_command"] {
            Tcl_ResetResult(TclHarness.interp)
            XCTAssertThrowsError(try TclHarness.parse("{\(word)} x"), "\(word) was accepted")
        }
    }

    func testMissingValue() {
        TclHarness.assertError(try TclHarness.parse("-cafile"), "no argument given for -cafile option")
        TclHarness.assertError(try TclHarness.parse("-server 1 -request"), "no argument given for -request option")
    }

    func testNonBooleanForEveryBooleanOption() {
        let booleans = TlsOptions.table.filter { $0.argument == "bool" }.map(\.name)
        XCTAssertTrue(booleans.contains("-server") && booleans.contains("-tls1.3") && booleans.contains("-require"))
        for name in booleans {
            TclHarness.assertError(try TclHarness.parse("\(name) x"), "expected boolean value but got \"x\"")
            TclHarness.assertError(try TclHarness.parse("\(name) {}"), "expected boolean value but got \"\"")
        }
    }

    func testBooleansTakeAnyTclBoolean() {
        for (word, value) in [("1", true), ("0", false), ("yes", true), ("no", false), ("on", true),
                              ("off", false), ("true", true), ("false", false), ("TRUE", true), ("2", true)] {
            XCTAssertEqual(parse("-server \(word)")?.server, value, word)
            XCTAssertEqual(parse("-post_handshake \(word)")?.postHandshake, value, word)
        }
    }

    func testSecurityLevelRange() {
        for n in 0...5 {
            XCTAssertEqual(parse("-securitylevel \(n)")?.securityLevel, n)
        }
        TclHarness.assertError(try TclHarness.parse("-securitylevel 6"),
                               "bad security level \"6\": must be an integer from 0 to 5")
        TclHarness.assertError(try TclHarness.parse("-security_level -1"),
                               "bad security level \"-1\": must be an integer from 0 to 5")
        TclHarness.assertError(try TclHarness.parse("-securitylevel high"), "expected integer but got \"high\"")
    }

    func testAlpnValidation() {
        TclHarness.assertError(try TclHarness.parse("-alpn {h2 {}}"), "bad ALPN protocol \"\": must be 1 to 255 bytes")
        let long = String(repeating: "x", count: 256)
        TclHarness.assertError(try TclHarness.parse("-alpn \(long)"),
                               "bad ALPN protocol \"\(long)\": must be 1 to 255 bytes")
        XCTAssertEqual(parse("-alpn \(String(repeating: "y", count: 255))")?.alpn?.first?.count, 255)
        TclHarness.assertError(try TclHarness.parse("-alpn \"{h2\""), "unmatched open brace in list")
        XCTAssertNil(parse("-alpn {}")?.alpn, "an empty ALPN list offers nothing")
    }

    // MARK: values

    func testLaterOptionWins() {
        XCTAssertEqual(parse("-cafile a.pem -cafile b.pem")?.caFile, "b.pem")
        XCTAssertEqual(parse("-tls1.2 0 -tls1.2 1")?.protocols[.tls1_2], true)
    }

    func testEmptyFileNamesMeanUnset() {
        let options = parse("-cafile {} -cadir {} -certfile {} -keyfile {} -servername {} -dhparams {}")
        XCTAssertNil(options?.caFile)
        XCTAssertNil(options?.caDir)
        XCTAssertNil(options?.certFile)
        XCTAssertNil(options?.keyFile)
        XCTAssertNil(options?.serverName)
        XCTAssertNil(options?.dhParams)
    }

    func testEmptyScriptsMeanUnset() {
        let options = parse("-command {} -validatecommand {} -password {}")
        XCTAssertNil(options?.command)
        XCTAssertNil(options?.validateCommand)
        XCTAssertNil(options?.password)
    }

    func testNonAsciiValuesSurvive() {
        XCTAssertEqual(parse("-cafile /tmp/\u{e9}t\u{e9}/ca.pem")?.caFile, "/tmp/\u{e9}t\u{e9}/ca.pem")
        XCTAssertEqual(parse("-servername b\u{fc}cher.example")?.serverName, "b\u{fc}cher.example")
        XCTAssertEqual(parse("-alpn {\u{4e2d}\u{6587}}")?.alpn, ["\u{4e2d}\u{6587}"])
    }

    func testDerValuesKeepEveryByte() throws {
        let all = (0...255).map { String(format: "%02x", $0) }.joined()
        let parsed = try TclHarness.parse("-cert [binary decode hex \(all)] -session_id [binary decode hex \(all)]")
        XCTAssertEqual(parsed.cert, Array(0...255))
        XCTAssertEqual(parsed.sessionId, Array(0...255))
        // A DER value that reached Tcl as a string of characters 0-255 (read
        // from a file in binary mode, say) gives the same bytes.
        let asString = try TclHarness.parse("-cert [encoding convertfrom iso8859-1 [binary decode hex \(all)]]")
        XCTAssertEqual(asString.cert, Array(0...255))
    }

    func testParseReadsOnlyItsSlice() throws {
        // Commands hand parse objv[2...]: indices do not start at 0.
        let objv = TclHarness.command("tls::import sock1 -cafile ca.pem -server 1")
        let options = try TlsOptions.parse(TclHarness.interp, objv[2...])
        XCTAssertEqual(options.caFile, "ca.pem")
        XCTAssertTrue(options.server)
        let none = try TlsOptions.parse(TclHarness.interp, objv[6...])
        XCTAssertNil(none.caFile)
        XCTAssertFalse(none.server)
    }

    // MARK: defaults derived from the options

    func testClientDefaults() {
        guard let o = parse("") else { return }
        XCTAssertFalse(o.server)
        XCTAssertTrue(o.effectiveRequest, "a client asks for the server's certificate")
        XCTAssertTrue(o.effectiveRequire, "a client requires a valid server certificate")
        XCTAssertNil(o.caFile)
        XCTAssertNil(o.serverName)
        XCTAssertNil(o.securityLevel)
        XCTAssertTrue(o.protocols.isEmpty)
        XCTAssertNil(o.nodelay, "tls::import leaves TCP_NODELAY alone unless asked")
    }

    func testServerDefaults() {
        guard let o = parse("-server 1") else { return }
        XCTAssertTrue(o.server)
        XCTAssertFalse(o.effectiveRequest, "a server does not ask for a client certificate by default")
        XCTAssertFalse(o.effectiveRequire)
    }

    func testServerRequest() {
        guard let o = parse("-server 1 -request 1") else { return }
        XCTAssertTrue(o.effectiveRequest)
        XCTAssertFalse(o.effectiveRequire, "-request alone does not insist")
    }

    func testRequireForcesRequest() {
        for list in ["-server 1 -require 1", "-server 1 -require 1 -request 0", "-require 1 -request 0"] {
            guard let o = parse(list) else { continue }
            XCTAssertTrue(o.effectiveRequire, list)
            XCTAssertTrue(o.effectiveRequest, "\(list): -require 1 forces -request 1")
        }
    }

    func testClientPermissive() {
        guard let o = parse("-require 0 -request 0") else { return }
        XCTAssertFalse(o.effectiveRequire)
        XCTAssertFalse(o.effectiveRequest)
        guard let p = parse("-require 0") else { return }
        XCTAssertFalse(p.effectiveRequire, "-require 0 lets a client accept any certificate")
    }

    func testEnabledProtocolsDefault() {
        XCTAssertEqual(parse("")?.enabledProtocols, [.tls1_2, .tls1_3])
        XCTAssertEqual(parse("-server 1")?.enabledProtocols, [.tls1_2, .tls1_3])
    }

    func testEnabledProtocolsExplicit() {
        XCTAssertEqual(parse("-tls1.2 0")?.enabledProtocols, [.tls1_3])
        XCTAssertEqual(parse("-tls1.3 no")?.enabledProtocols, [.tls1_2])
        XCTAssertEqual(parse("-tls1 1")?.enabledProtocols, [.tls1, .tls1_2, .tls1_3])
        XCTAssertEqual(parse("-tls1.1 1 -tls1.3 0")?.enabledProtocols, [.tls1_1, .tls1_2])
        XCTAssertEqual(parse("-tls1.2 0 -tls1.3 0")?.enabledProtocols, [])
        XCTAssertEqual(parse("-ssl2 1 -ssl3 1 -tls1 1 -tls1.1 1")?.enabledProtocols, ProtocolVersion.allCases)
        XCTAssertEqual(parse("-ssl3 0 -tls1 0")?.enabledProtocols, [.tls1_2, .tls1_3])
    }

    func testProtocolOptionNamesFollowTheVersions() {
        let protocolOptions = TlsOptions.names.filter { $0.hasPrefix("-ssl") || $0.hasPrefix("-tls") }
        XCTAssertEqual(protocolOptions, ["-ssl2", "-ssl3", "-tls1", "-tls1.1", "-tls1.2", "-tls1.3"])
        XCTAssertEqual(ProtocolVersion.allCases.map(\.rawValue), ["ssl2", "ssl3", "tls1", "tls1.1", "tls1.2", "tls1.3"])
    }

    func testProtocolAvailability() {
        XCTAssertFalse(ProtocolVersion.ssl2.isAvailable, "OpenSSL 3 has no SSL 2")
        XCTAssertTrue(ProtocolVersion.tls1_2.isAvailable)
        XCTAssertTrue(ProtocolVersion.tls1_3.isAvailable)
        XCTAssertEqual(ProtocolVersion.available.map(\.rawValue),
                       TclHarness.words(TclHarness.evalString("tls::protocols")).map(TclObjects.toString))
    }
}
