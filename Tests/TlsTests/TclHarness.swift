// A real Tcl interpreter for the Swift tests of the Tcl-facing helpers
// (TlsOptions, TclObjects, TclError). The library reaches Tcl only through the
// stubs table, which Tls_Init fills: so the interpreter is created and the
// package loaded (`load {} Tls`) before any helper runs.
import XCTest
import CTcl
import TclEmbedding
@testable import Tls

enum TclHarness {
    /// One interpreter for the whole test process, created on first use; XCTest
    /// runs the tests on one thread, the thread a Tcl interpreter belongs to.
    static let interp: TclInterp = EmbeddedTcl.interpreterWithPackage()

    /// Objects the tests made, each holding one reference until `releaseAll`
    /// (each test class calls it in tearDown). Tests can pass them around
    /// freely: nothing is freed while a test still uses it.
    private static var kept: [TclObj] = []

    @discardableResult
    static func keep(_ o: TclObj) -> TclObj {
        TclObjects.retain(o)
        kept.append(o)
        return o
    }

    static func releaseAll() {
        let objects = kept
        kept = []
        objects.forEach(TclObjects.release)
    }

    /// Evaluates a script; its result (kept), or the error message as a thrown HarnessError.
    @discardableResult
    static func eval(_ script: String) throws -> TclObj {
        let code = Tcl_EvalEx(interp, script, -1, TCL_EVAL_GLOBAL)
        let result = keep(Tcl_GetObjResult(interp))
        guard code == TCL_OK else { throw HarnessError(TclObjects.toString(result)) }
        return result
    }

    /// The string result of a script; fails the test on a Tcl error.
    static func evalString(_ script: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            return TclObjects.toString(try eval(script))
        } catch {
            XCTFail("\(script): \(error)", file: file, line: line)
            return ""
        }
    }

    /// A new object holding the string (kept).
    static func obj(_ s: String) -> TclObj { keep(TclObjects.string(s)) }

    /// The elements of a Tcl list (kept, with the list).
    static func words(_ list: String) -> [TclObj] {
        guard let items = try? TclObjects.toList(interp, obj(list)) else {
            fatalError("not a Tcl list: \(list)")
        }
        return items.map(keep)
    }

    /// The words of a command line after Tcl's substitutions (`[binary ...]`, `{a b}`), kept.
    static func command(_ line: String) -> [TclObj] {
        guard let list = try? eval("list \(line)"),
              let items = try? TclObjects.toList(interp, list) else {
            fatalError("not a command line: \(line)")
        }
        return items.map(keep)
    }

    /// Parses tls::import options written as Tcl words, e.g. `-cafile {a b} -server 1`.
    static func parse(_ line: String) throws -> TlsOptions {
        let objv = command(line)
        Tcl_ResetResult(interp)
        return try TlsOptions.parse(interp, objv[...])
    }

    /// The message of an error thrown by the library: the TclError's own, or,
    /// for errors Tcl reported (TclError.fromInterp), the interpreter's result.
    static func message(_ error: Error) -> String? {
        guard let error = error as? TclError else { return nil }
        return error.message ?? String(cString: Tcl_GetStringResult(interp))
    }

    /// Asserts that the expression throws a TclError with exactly this message.
    static func assertError<T>(_ expression: @autoclosure () throws -> T, _ expected: String,
                               file: StaticString = #filePath, line: UInt = #line) {
        Tcl_ResetResult(interp)
        do {
            _ = try expression()
            XCTFail("no error; expected: \(expected)", file: file, line: line)
        } catch {
            XCTAssertTrue(error is TclError, "not a TclError: \(error)", file: file, line: line)
            XCTAssertEqual(message(error), expected, file: file, line: line)
        }
    }

    /// What a script's `catch ... options` would see after TclError.apply(to:):
    /// the result and the -errorcode words.
    static func applied(_ error: TclError) -> (result: String, errorCode: [String]) {
        Tcl_ResetResult(interp)
        error.apply(to: interp)
        let result = TclObjects.toString(Tcl_GetObjResult(interp))
        let options = keep(Tcl_GetReturnOptions(interp, TCL_ERROR))
        Tcl_ResetResult(interp)
        guard let items = try? TclObjects.toList(interp, options) else { return (result, []) }
        var code: [String] = []
        for i in stride(from: 0, to: items.count - 1, by: 2) where TclObjects.toString(items[i]) == "-errorcode" {
            code = ((try? TclObjects.toList(interp, items[i + 1])) ?? []).map(TclObjects.toString)
        }
        return (result, code)
    }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A test case that works on the shared interpreter and drops the objects it
/// made after each test.
class TclTestCase: XCTestCase {
    override func setUp() {
        super.setUp()
        _ = TclHarness.interp
    }

    override func tearDown() {
        TclHarness.releaseAll()
        super.tearDown()
    }
}
