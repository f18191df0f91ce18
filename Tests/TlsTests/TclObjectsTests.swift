// TclObjects (Swift values <-> Tcl_Obj), TclDict, RetainedObj and the
// wording of TclError, checked against a real interpreter.
import XCTest
import CTcl
@testable import Tls

final class TclObjectsTests: TclTestCase {
    private var interp: TclInterp { TclHarness.interp }

    /// Sets a global Tcl variable to the object and evaluates a script on it.
    private func tcl(_ value: TclObj, _ script: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        _ = Tcl_SetVar2Ex(interp, "::harnessValue", nil, TclHarness.keep(value), TCL_GLOBAL_ONLY)
        return TclHarness.evalString(script, file: file, line: line)
    }

    // MARK: strings

    func testStringRoundTrip() {
        for s in ["", "plain ascii", "with space and {braces} [and] $dollars", "caf\u{e9}", "\u{4e2d}\u{6587}",
                  "\u{1F600} smile", "tab\tnewline\n", String(repeating: "long ", count: 10000)] {
            let o = TclHarness.keep(TclObjects.string(s))
            XCTAssertEqual(TclObjects.toString(o), s)
        }
    }

    func testNonAsciiStringsAreCharactersToTcl() {
        XCTAssertEqual(tcl(TclObjects.string("caf\u{e9}"), "string length $::harnessValue"), "4")
        XCTAssertEqual(tcl(TclObjects.string("\u{e9}"), "scan $::harnessValue %c"), "233")
        XCTAssertEqual(tcl(TclObjects.string("\u{4e2d}\u{6587}"), "string length $::harnessValue"), "2")
        XCTAssertEqual(tcl(TclObjects.string("\u{4e2d}"), "format %x [scan $::harnessValue %c]"), "4e2d")
        XCTAssertEqual(tcl(TclObjects.string("b\u{fc}cher"), "string equal $::harnessValue b\\u00fccher"), "1")
    }

    func testStringsMadeByTclReadBackInSwift() throws {
        XCTAssertEqual(TclObjects.toString(try TclHarness.eval("string cat caf \\u00e9")), "caf\u{e9}")
        XCTAssertEqual(TclObjects.toString(try TclHarness.eval("format %c%c 0x4e2d 0x6587")), "\u{4e2d}\u{6587}")
        XCTAssertEqual(TclObjects.toString(try TclHarness.eval("string toupper caf\\u00e9")), "CAF\u{c9}")
        XCTAssertEqual(TclObjects.toString(try TclHarness.eval("encoding convertfrom utf-8 [binary decode hex c3a9]")),
                       "\u{e9}")
    }

    func testStringWithNulFromTcl() throws {
        // Tcl keeps U+0000 as the two bytes C0 80 (its modified UTF-8); Swift
        // must see the one character.
        let o = try TclHarness.eval("format a%cb 0")
        XCTAssertEqual(TclObjects.toString(o), "a\u{0}b")
    }

    func testStringWithNulToTcl() {
        XCTAssertEqual(tcl(TclObjects.string("a\u{0}b"), "string length $::harnessValue"), "3")
        XCTAssertEqual(tcl(TclObjects.string("a\u{0}b"), "string equal $::harnessValue [format a%cb 0]"), "1")
    }

    func testCharacterBeyondTheBasicPlaneFromTcl() throws {
        // Tcl 8.6 keeps U+1F600 as a surrogate pair; its string form must still
        // read back as the one character (decoded from UTF-8 bytes, since an
        // 8.6 script cannot write \U1F600 itself).
        let o = try TclHarness.eval("string cat x [encoding convertfrom utf-8 [binary decode hex f09f9880]] y")
        XCTAssertEqual(TclObjects.toString(o), "x\u{1F600}y")
    }

    // MARK: byte arrays

    func testBytesRoundTrip() {
        let all = Array(UInt8(0)...UInt8(255))
        let o = TclHarness.keep(TclObjects.bytes(all))
        XCTAssertEqual(TclObjects.toBytes(o), all)
        XCTAssertEqual(TclObjects.toBytes(TclHarness.keep(TclObjects.bytes([UInt8]()))), [])
        XCTAssertEqual(TclObjects.toBytes(TclHarness.keep(TclObjects.bytes([0x41, 0x00, 0x42][...]))), [0x41, 0, 0x42])
    }

    func testBytesAreBytesToTcl() {
        XCTAssertEqual(tcl(TclObjects.bytes([0x00, 0x01, 0xff, 0x80]), "binary encode hex $::harnessValue"), "0001ff80")
        XCTAssertEqual(tcl(TclObjects.bytes([0x00, 0x01, 0xff, 0x80]), "string length $::harnessValue"), "4")
    }

    func testBytesFromPointer() {
        let data: [UInt8] = [1, 2, 3, 250]
        let o = data.withUnsafeBytes { TclHarness.keep(TclObjects.bytes($0.baseAddress, 3)) }
        XCTAssertEqual(TclObjects.toBytes(o), [1, 2, 3])
        XCTAssertEqual(TclObjects.toBytes(TclHarness.keep(TclObjects.bytes(nil, 0))), [])
    }

    func testBytesFromTclBinary() throws {
        let o = try TclHarness.eval("binary format H* deadbeef00")
        XCTAssertEqual(TclObjects.toBytes(o), [0xde, 0xad, 0xbe, 0xef, 0x00])
    }

    func testBytesOfACharacterString() throws {
        // Characters 0-255 are their own byte (what a binary-mode read gives).
        let o = try TclHarness.eval("format %c%c%c 0 233 255")
        XCTAssertEqual(TclObjects.toBytes(o), [0, 233, 255])
    }

    // MARK: numbers and booleans

    func testInts() {
        XCTAssertEqual(TclObjects.toString(TclHarness.keep(TclObjects.int(42))), "42")
        XCTAssertEqual(TclObjects.toString(TclHarness.keep(TclObjects.int(-7))), "-7")
        XCTAssertEqual(TclObjects.toString(TclHarness.keep(TclObjects.int(1 << 40))), "1099511627776")
        XCTAssertEqual(tcl(TclObjects.int(1 << 40), "expr {$::harnessValue + 1}"), "1099511627777")
    }

    func testBools() {
        XCTAssertEqual(TclObjects.toString(TclHarness.keep(TclObjects.bool(true))), "1")
        XCTAssertEqual(TclObjects.toString(TclHarness.keep(TclObjects.bool(false))), "0")
        XCTAssertEqual(tcl(TclObjects.bool(true), "expr {$::harnessValue ? \"yes\" : \"no\"}"), "yes")
    }

    func testToBool() throws {
        for (word, value) in [("1", true), ("0", false), ("true", true), ("False", false), ("yes", true),
                              ("no", false), ("on", true), ("off", false), ("5", true), ("0.0", false)] {
            XCTAssertEqual(try TclObjects.toBool(interp, TclHarness.obj(word)), value, word)
        }
        TclHarness.assertError(try TclObjects.toBool(interp, TclHarness.obj("maybe")),
                               "expected boolean value but got \"maybe\"")
        TclHarness.assertError(try TclObjects.toBool(interp, TclHarness.obj("")),
                               "expected boolean value but got \"\"")
    }

    func testToBoolWithoutInterpreterStillThrows() {
        XCTAssertThrowsError(try TclObjects.toBool(nil, TclHarness.obj("maybe")))
        XCTAssertEqual(try? TclObjects.toBool(nil, TclHarness.obj("yes")), true)
    }

    func testToInt() throws {
        XCTAssertEqual(try TclObjects.toInt(interp, TclHarness.obj("42")), 42)
        XCTAssertEqual(try TclObjects.toInt(interp, TclHarness.obj("-3")), -3)
        XCTAssertEqual(try TclObjects.toInt(interp, TclHarness.obj("0x10")), 16)
        XCTAssertEqual(try TclObjects.toInt(interp, TclHarness.obj(" 7 ")), 7)
        TclHarness.assertError(try TclObjects.toInt(interp, TclHarness.obj("seven")),
                               "expected integer but got \"seven\"")
        TclHarness.assertError(try TclObjects.toInt(interp, TclHarness.obj("1.5")),
                               "expected integer but got \"1.5\"")
    }

    // MARK: lists

    func testListOfObjects() {
        let items = ["a b", "", "{", "c", "caf\u{e9}"]
        let o = TclHarness.keep(TclObjects.stringList(items))
        XCTAssertEqual(tcl(o, "llength $::harnessValue"), "5")
        XCTAssertEqual(tcl(o, "lindex $::harnessValue 0"), "a b")
        XCTAssertEqual(tcl(o, "lindex $::harnessValue 2"), "{")
        XCTAssertEqual(tcl(o, "lindex $::harnessValue 4"), "caf\u{e9}")
        XCTAssertEqual(try TclObjects.toList(interp, o).map(TclObjects.toString), items)
    }

    func testEmptyList() throws {
        let o = TclHarness.keep(TclObjects.list([]))
        XCTAssertEqual(TclObjects.toString(o), "")
        XCTAssertEqual(try TclObjects.toList(interp, o).count, 0)
    }

    func testNestedList() throws {
        let inner = TclObjects.stringList(["x", "y z"])
        let o = TclHarness.keep(TclObjects.list([TclObjects.string("k"), inner]))
        XCTAssertEqual(tcl(o, "lindex $::harnessValue 1 1"), "y z")
        XCTAssertEqual(tcl(o, "dict get $::harnessValue k"), "x {y z}")
    }

    func testToListOfATclList() throws {
        let o = try TclHarness.eval("list a {b c} {} [list d e]")
        XCTAssertEqual(try TclObjects.toList(interp, o).map(TclObjects.toString), ["a", "b c", "", "d e"])
    }

    func testToListError() {
        TclHarness.assertError(try TclObjects.toList(interp, TclHarness.obj("a {b")),
                               "unmatched open brace in list")
    }

    // MARK: TclDict

    func testDictIsAFlatKeyValueList() {
        var d = TclDict()
        d.add("name", "value with space")
        d.add("count", 3)
        d.add("flag", true)
        d.add("list", TclObjects.stringList(["a", "b"]))
        let o = TclHarness.keep(d.object)
        XCTAssertEqual(tcl(o, "llength $::harnessValue"), "8")
        XCTAssertEqual(tcl(o, "dict get $::harnessValue name"), "value with space")
        XCTAssertEqual(tcl(o, "dict get $::harnessValue count"), "3")
        XCTAssertEqual(tcl(o, "dict get $::harnessValue flag"), "1")
        XCTAssertEqual(tcl(o, "lindex [dict get $::harnessValue list] 1"), "b")
        XCTAssertEqual(tcl(o, "dict keys $::harnessValue"), "name count flag list")
    }

    // MARK: RetainedObj

    func testRetainedObjHoldsOneReference() {
        let o = TclObjects.string("held")
        TclObjects.retain(o)
        XCTAssertEqual(o.pointee.refCount, 1)
        do {
            let held = RetainedObj(o)
            XCTAssertEqual(held.obj.pointee.refCount, 2)
            withExtendedLifetime(held) {}
        }
        XCTAssertEqual(o.pointee.refCount, 1)
        TclObjects.release(o)
    }

    // MARK: TclError

    func testBadChoiceWording() {
        XCTAssertEqual(TclError.badChoice("protocol", "foo", ["ssl2", "ssl3", "tls1", "tls1.1", "tls1.2", "tls1.3"]).message,
                       "bad protocol \"foo\": must be ssl2, ssl3, tls1, tls1.1, tls1.2, or tls1.3")
        XCTAssertEqual(TclError.badChoice("direction", "up", ["read", "write"]).message,
                       "bad direction \"up\": must be read or write")
        XCTAssertEqual(TclError.badChoice("thing", "x", ["only"]).message, "bad thing \"x\": must be only")
        XCTAssertEqual(TclError.badChoice("option", "-x", ["-a", "-b", "-c"], prefix: "one of ").message,
                       "bad option \"-x\": must be one of -a, -b, or -c")
    }

    /// The same words Tcl_GetIndexFromObj uses, taken from Tcl's own errors.
    func testBadChoiceMatchesTcl() {
        for script in ["string is nosuchclass x", "close stdin sideways", "lsort -nosuch {}"] {
            Tcl_ResetResult(interp)
            var tclMessage = ""
            do { try TclHarness.eval(script); XCTFail("\(script) did not fail") } catch { tclMessage = "\(error)" }
            // bad WHAT "VALUE": must be A, B, or C   /   must be A or B
            guard let colon = tclMessage.range(of: ": must be ") else { XCTFail(tclMessage); continue }
            let head = tclMessage[..<colon.lowerBound]           // bad WHAT "VALUE"
            let parts = head.split(separator: " ", maxSplits: 2)
            let what = String(parts[1]), value = String(parts[2].dropFirst().dropLast())
            let list = tclMessage[colon.upperBound...]
            let choices = list.replacingOccurrences(of: ", or ", with: ", ")
                .replacingOccurrences(of: " or ", with: ", ")
                .components(separatedBy: ", ")
            XCTAssertEqual(TclError.badChoice(what, value, choices).message, tclMessage, script)
        }
    }

    func testBadChoiceErrorCodeIsTclLookup() {
        // Tcl_GetIndexFromObj's error code: TCL LOOKUP INDEX what value.
        let error = TclError.badChoice("protocol", "foo", ["tls1.2", "tls1.3"])
        XCTAssertEqual(TclHarness.applied(error).errorCode, ["TCL", "LOOKUP", "INDEX", "protocol", "foo"])
    }

    func testWrongArgsWording() {
        let objv = TclHarness.command("tls::import sock1 -x")
        let words = objv
        XCTAssertEqual(TclError.wrongArgs(words, 1, "channel ?options?").message,
                       "wrong # args: should be \"tls::import channel ?options?\"")
        XCTAssertEqual(TclError.wrongArgs(words, 2, "?options?").message,
                       "wrong # args: should be \"tls::import sock1 ?options?\"")
        XCTAssertEqual(TclError.wrongArgs(words, 1, "").message, "wrong # args: should be \"tls::import\"")
    }

    func testWrongArgsErrorCodeIsTclWrongargs() {
        // Tcl_WrongNumArgs' error code: TCL WRONGARGS.
        let words = TclHarness.command("tls::version extra")
        XCTAssertEqual(TclHarness.applied(TclError.wrongArgs(words, 1, "")).errorCode, ["TCL", "WRONGARGS"])
    }

    func testApplySetsResultAndErrorCode() {
        let applied = TclHarness.applied(TclError("handshake failed: wrong version number",
                                                  errorCode: ["TLS", "HANDSHAKE", "wrong version number"]))
        XCTAssertEqual(applied.result, "handshake failed: wrong version number")
        XCTAssertEqual(applied.errorCode, ["TLS", "HANDSHAKE", "wrong version number"])
    }

    func testApplyKeepsAResultTclAlreadySet() {
        Tcl_ResetResult(interp)
        XCTAssertThrowsError(try TclObjects.toInt(interp, TclHarness.obj("z"))) { error in
            guard let error = error as? TclError else { return XCTFail("\(error)") }
            XCTAssertNil(error.message)
            error.apply(to: self.interp)
            XCTAssertEqual(String(cString: Tcl_GetStringResult(self.interp)), "expected integer but got \"z\"")
        }
        Tcl_ResetResult(interp)
    }
}
