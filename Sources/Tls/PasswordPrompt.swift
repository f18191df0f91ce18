// Unlocking an encrypted private key: OpenSSL's password callback runs the
// -password script (or tls::password) as `script password rwflag size`, as
// TclTLS 2.0 does; a script naming a procedure that takes no arguments is
// called with none, as TclTLS 1.x called every -password script. An error the
// script raises is kept, so that the failed load reports it.
@preconcurrency import CTcl
import COpenSSL

enum PasswordPrompt {
    private final class Source {
        let interp: TclInterp
        let script: TclObj
        /// OpenSSL may ask more than once for one key (it tries several
        /// decoders): the script is asked once, its answer (or failure) kept.
        var answer: [UInt8]??
        var failure: TclError?
        init(interp: TclInterp, script: TclObj) { self.interp = interp; self.script = script }
    }

    /// Runs `body` (which loads the key) with the callback installed on `ctx`,
    /// and removes it afterwards: the Source lives only for this call. Returns
    /// body's result and the error the script raised, if it did.
    static func with<T>(ctx: OpaquePointer, interp: TclInterp, script: TclObj?,
                        _ body: () -> T) -> (result: T, scriptError: TclError?) {
        let fallback = RetainedObj(TclObjects.string("::tls::password"))
        let source = Source(interp: interp, script: script ?? fallback.obj)
        return withExtendedLifetime((source, fallback)) {
            SSL_CTX_set_default_passwd_cb(ctx, passwordCallback)
            SSL_CTX_set_default_passwd_cb_userdata(ctx, Unmanaged.passUnretained(source).toOpaque())
            defer {
                SSL_CTX_set_default_passwd_cb(ctx, nil)
                SSL_CTX_set_default_passwd_cb_userdata(ctx, nil)
            }
            return (body(), source.failure)
        }
    }

    fileprivate static func answer(_ userdata: UnsafeMutableRawPointer?, _ rwflag: Int32, _ size: Int32) -> [UInt8]? {
        guard let userdata else { return nil }
        let source = Unmanaged<Source>.fromOpaque(userdata).takeUnretainedValue()
        if let known = source.answer { return known }
        let args = takesNoArguments(source.interp, source.script) ? []
            : [TclObjects.string("password"), TclObjects.int(Int(rwflag)), TclObjects.int(Int(size))]
        var answer: [UInt8]? = nil
        switch Callbacks.evaluate(source.interp, source.script, args) {
        case .success(let password): answer = Array(password.utf8)
        case .failure(let error): source.failure = error.message == nil ? nil : error
        }
        source.answer = .some(answer)
        return answer
    }

    /// Whether the script is one word naming a procedure without arguments
    /// (`proc getpass {} {...}`, TclTLS 1.x's form).
    static func takesNoArguments(_ interp: TclInterp, _ script: TclObj) -> Bool {
        guard let words = try? TclObjects.toList(nil, script), words.count == 1 else { return false }
        let info = TclObjects.stringList(["::info", "args"])
        TclObjects.retain(info)
        defer { TclObjects.release(info) }
        guard case .success(let parameters) = Callbacks.evaluate(interp, info, [words[0]]) else { return false }
        return parameters.isEmpty
    }
}

private func passwordCallback(_ buf: UnsafeMutablePointer<CChar>?, _ size: Int32, _ rwflag: Int32,
                              _ userdata: UnsafeMutableRawPointer?) -> Int32 {
    guard let buf, let pw = PasswordPrompt.answer(userdata, rwflag, size) else { return -1 }
    let n = min(pw.count, Int(size))
    pw.withUnsafeBytes { UnsafeMutableRawPointer(buf).copyMemory(from: $0.baseAddress!, byteCount: n) }
    return Int32(n)
}
