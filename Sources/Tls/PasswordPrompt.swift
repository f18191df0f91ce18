// Unlocking an encrypted private key: OpenSSL's password callback runs the
// -password script (or tls::password) as `script password rwflag size`.
@preconcurrency import CTcl
import COpenSSL

enum PasswordPrompt {
    /// Who answers, for one decoding of one key: a script in an interpreter,
    /// or nobody (then the prompt only notes that a password was wanted).
    final class Source {
        private let asker: (interp: TclInterp, script: TclObj)?
        /// OpenSSL may ask more than once for one key (it tries several
        /// decoders): the script is asked once, its answer (or failure) kept.
        private var answer: [UInt8]??
        private(set) var wasAsked = false

        init(interp: TclInterp, script: TclObj) { asker = (interp, script) }
        init() { asker = nil }

        fileprivate func respond(_ rwflag: Int32, _ size: Int32) -> [UInt8]? {
            wasAsked = true
            guard let asker else { return nil }
            if let known = answer { return known }
            let args = [TclObjects.string("password"), TclObjects.int(Int(rwflag)), TclObjects.int(Int(size))]
            let given = Callbacks.string(asker.interp, asker.script, args).map { Array($0.utf8) }
            answer = .some(given)
            return given
        }
    }

    /// The callback for OpenSSL's decoders; its userdata is a Source, unretained.
    static let callback: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = {
        buf, size, rwflag, userdata in
        guard let buf, let userdata else { return -1 }
        let source = Unmanaged<Source>.fromOpaque(userdata).takeUnretainedValue()
        guard let pw = source.respond(rwflag, size) else { return -1 }
        let n = min(pw.count, Int(size))
        pw.withUnsafeBytes { UnsafeMutableRawPointer(buf).copyMemory(from: $0.baseAddress!, byteCount: n) }
        return Int32(n)
    }
}
