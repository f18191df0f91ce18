// Unlocking an encrypted private key: OpenSSL's password callback runs the
// -password script (or tls::password) as `script password rwflag size`, as
// TclTLS 2.0 does; a script naming a procedure that takes no arguments is
// called with none, as TclTLS 1.x called every -password script. An error the
// script raises is kept (failure), so that the failed load reports it.
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
        /// The error the script raised, if it did.
        private(set) var failure: TclError?

        init(interp: TclInterp, script: TclObj) { asker = (interp, script) }
        init() { asker = nil }

        fileprivate func respond(_ rwflag: Int32, _ size: Int32) -> [UInt8]? {
            wasAsked = true
            guard let asker else { return nil }
            if let known = answer { return known }
            let args = PasswordPrompt.takesNoArguments(asker.interp, asker.script) ? []
                : [TclObjects.string("password"), TclObjects.int(Int(rwflag)), TclObjects.int(Int(size))]
            var given: [UInt8]? = nil
            switch Callbacks.evaluate(asker.interp, asker.script, args) {
            case .success(let password): given = Array(password.utf8)
            case .failure(let error): failure = error.message == nil ? nil : error
            }
            answer = .some(given)
            return given
        }
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
