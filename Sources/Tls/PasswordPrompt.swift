// Unlocking an encrypted private key: OpenSSL's password callback runs the
// -password script (or tls::password) as `script password rwflag size`.
@preconcurrency import CTcl
import COpenSSL

enum PasswordPrompt {
    private final class Source {
        let interp: TclInterp
        let script: TclObj
        /// OpenSSL may ask more than once for one key (it tries several
        /// decoders): the script is asked once, its answer (or failure) kept.
        var answer: [UInt8]??
        init(interp: TclInterp, script: TclObj) { self.interp = interp; self.script = script }
    }

    /// Runs `body` (which loads the key) with the callback installed on `ctx`,
    /// and removes it afterwards: the Source lives only for this call.
    static func with<T>(ctx: OpaquePointer, interp: TclInterp, script: TclObj?, _ body: () -> T) -> T {
        let fallback = RetainedObj(TclObjects.string("::tls::password"))
        let source = Source(interp: interp, script: script ?? fallback.obj)
        return withExtendedLifetime((source, fallback)) {
            SSL_CTX_set_default_passwd_cb(ctx, passwordCallback)
            SSL_CTX_set_default_passwd_cb_userdata(ctx, Unmanaged.passUnretained(source).toOpaque())
            defer {
                SSL_CTX_set_default_passwd_cb(ctx, nil)
                SSL_CTX_set_default_passwd_cb_userdata(ctx, nil)
            }
            return body()
        }
    }

    fileprivate static func answer(_ userdata: UnsafeMutableRawPointer?, _ rwflag: Int32, _ size: Int32) -> [UInt8]? {
        guard let userdata else { return nil }
        let source = Unmanaged<Source>.fromOpaque(userdata).takeUnretainedValue()
        if let known = source.answer { return known }
        let args = [TclObjects.string("password"), TclObjects.int(Int(rwflag)), TclObjects.int(Int(size))]
        let answer = Callbacks.string(source.interp, source.script, args).map { Array($0.utf8) }
        source.answer = .some(answer)
        return answer
    }
}

private func passwordCallback(_ buf: UnsafeMutablePointer<CChar>?, _ size: Int32, _ rwflag: Int32,
                              _ userdata: UnsafeMutableRawPointer?) -> Int32 {
    guard let buf, let pw = PasswordPrompt.answer(userdata, rwflag, size) else { return -1 }
    let n = min(pw.count, Int(size))
    pw.withUnsafeBytes { UnsafeMutableRawPointer(buf).copyMemory(from: $0.baseAddress!, byteCount: n) }
    return Int32(n)
}
