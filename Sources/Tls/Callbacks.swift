// Running a script callback: the user's prefix plus appended words, at global
// level, with the interpreter's state saved around it so a callback fired from
// inside a channel operation cannot disturb the command that triggered it.
@preconcurrency import CTcl

enum Callbacks {
    enum Outcome {
        case ok(String)      // the script's result
        case error           // the error went to the background-error handler
        case unavailable     // the interpreter is gone
    }

    /// Evaluates `prefix args...`; an error is reported with `bgerror`.
    @discardableResult
    static func invoke(_ interp: TclInterp, _ prefix: TclObj, _ args: [TclObj]) -> Outcome {
        switch evaluate(interp, prefix, args, reportErrors: true) {
        case .success(let result): return .ok(result)
        case .failure(let error): return error.message == nil ? .unavailable : .error
        }
    }

    /// Evaluates `prefix args...`; an error is returned (message and
    /// errorCode) instead of reported. A deleted interpreter fails with
    /// TclError.fromInterp.
    static func evaluate(_ interp: TclInterp, _ prefix: TclObj, _ args: [TclObj]) -> Result<String, TclError> {
        evaluate(interp, prefix, args, reportErrors: false)
    }

    private static func evaluate(_ interp: TclInterp, _ prefix: TclObj, _ args: [TclObj],
                                 reportErrors: Bool) -> Result<String, TclError> {
        guard tcl.pointee.tcl_InterpDeleted!(interp) == 0 else {
            for a in args { TclObjects.retain(a); TclObjects.release(a) }
            return .failure(TclError.fromInterp)
        }
        let command = tcl.pointee.tcl_DuplicateObj!(prefix)!
        TclObjects.retain(command)
        for a in args { _ = tcl.pointee.tcl_ListObjAppendElement!(interp, command, a) }

        tcl.pointee.tcl_Preserve!(UnsafeMutableRawPointer(interp))
        let saved = tcl.pointee.tcl_SaveInterpState!(interp, TCL_OK)
        let code = tcl.pointee.tcl_EvalObjEx!(interp, command, TCL_EVAL_GLOBAL)
        TclObjects.release(command)
        let outcome: Result<String, TclError>
        if code == TCL_OK || code == TCL_RETURN {
            outcome = .success(TclObjects.toString(tcl.pointee.tcl_GetObjResult!(interp)!))
        } else {
            let message = TclObjects.toString(tcl.pointee.tcl_GetObjResult!(interp)!)
            let errorCode = tcl.pointee.tcl_GetVar2Ex!(interp, "::errorCode", nil, TCL_GLOBAL_ONLY)
            outcome = .failure(TclError(message, errorCode: errorCode.flatMap {
                try? TclObjects.toList(nil, $0).map(TclObjects.toString)
            }))
            if reportErrors { tcl.pointee.tcl_BackgroundException!(interp, code) }
        }
        _ = tcl.pointee.tcl_RestoreInterpState!(interp, saved)
        tcl.pointee.tcl_Release!(UnsafeMutableRawPointer(interp))
        return outcome
    }

    /// A decision callback's result as a number (booleans count as 0/1), or nil.
    static func decisionValue(_ r: String) -> Int? {
        let word = r.trimmingWhitespace().lowercased()
        if let n = Int(word) { return n }
        switch word {
        case "true", "yes", "on": return 1
        case "false", "no", "off": return 0
        default: return nil
        }
    }

    /// The string a callback returned, or nil.
    static func string(_ interp: TclInterp, _ prefix: TclObj, _ args: [TclObj]) -> String? {
        guard case .ok(let r) = invoke(interp, prefix, args) else { return nil }
        return r
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
