// Command registration and the error type every command throws: one C
// trampoline dispatches to Swift handlers kept in a table.
@preconcurrency import CTcl

/// An error destined for the interpreter's result (and `errorCode`).
struct TclError: Error {
    /// nil: the message is already in the interpreter's result.
    let message: String?
    var errorCode: [String]? = nil

    init(_ message: String, errorCode: [String]? = nil) { self.message = message; self.errorCode = errorCode }
    private init() { message = nil }
    static let fromInterp = TclError()

    static func wrongArgs(_ objv: [TclObj], _ count: Int, _ usage: String) -> TclError {
        let words = objv.prefix(count).map(TclObjects.toString)
        return TclError("wrong # args: should be \"\((words + [usage]).filter { !$0.isEmpty }.joined(separator: " "))\"",
                        errorCode: ["TCL", "WRONGARGS"])
    }

    /// `bad NAME "x": must be a, b, or c` as Tcl_GetIndexFromObj words it.
    static func badChoice(_ what: String, _ value: String, _ choices: [String], prefix: String = "") -> TclError {
        var list = choices.dropLast().joined(separator: ", ")
        if choices.count > 1 { list += (choices.count > 2 ? "," : "") + " or " }
        list += choices.last ?? ""
        return TclError("bad \(what) \"\(value)\": must be \(prefix)\(list)",
                        errorCode: ["TCL", "LOOKUP", "INDEX", what, value])
    }

    func apply(to interp: TclInterp) {
        if let message { tcl.pointee.tcl_SetObjResult!(interp, TclObjects.string(message)) }
        if let errorCode {
            tcl.pointee.tcl_SetObjErrorCode!(interp, TclObjects.stringList(errorCode))
        }
    }
}

/// A command's body: arguments including the command word; the result, or nil for empty.
typealias CommandHandler = (_ interp: TclInterp, _ objv: [TclObj]) throws -> TclObj?

enum TclCommand {
    /// Creates every command of `table` in `interp`; the client data is the row's index.
    static func registerAll(_ interp: TclInterp) {
        for (i, row) in commandTable.enumerated() {
            _ = tcl.pointee.tcl_CreateObjCommand!(interp, row.name, commandTrampoline,
                                                  UnsafeMutableRawPointer(bitPattern: i + 1), nil)
        }
    }

    fileprivate static func dispatch(_ index: Int, _ interp: TclInterp, _ objv: [TclObj]) -> Int32 {
        do {
            if let result = try commandTable[index - 1].handler(interp, objv) {
                tcl.pointee.tcl_SetObjResult!(interp, result)
            }
            return TCL_OK
        } catch let error as TclError {
            error.apply(to: interp)
            return TCL_ERROR
        } catch {
            tcl.pointee.tcl_SetObjResult!(interp, TclObjects.string("\(error)"))
            return TCL_ERROR
        }
    }
}

private func commandTrampoline(_ cd: ClientData?, _ interp: TclInterp?,
                               _ objc: Int32, _ objv: UnsafePointer<UnsafeMutablePointer<Tcl_Obj>?>?) -> Int32 {
    let args = (0..<Int(objc)).map { objv![$0]! }
    return TclCommand.dispatch(Int(bitPattern: cd), interp!, args)
}
