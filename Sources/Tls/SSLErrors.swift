// OpenSSL's error queue, turned into a message once, at the edge.
import COpenSSL

enum SSLErrors {
    /// Drains the thread's error queue; the reasons, oldest first.
    static func drain() -> [String] {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let r = ERR_reason_error_string(code) {
                reasons.append(String(cString: r))
            } else {
                var buf = [CChar](repeating: 0, count: 256)
                ERR_error_string_n(code, &buf, buf.count)
                reasons.append(String(cString: buf))
            }
        }
        return reasons
    }

    /// The most specific reason on the queue (the last one pushed), or nil.
    static func reason() -> String? { drain().last }

    /// Reasons that only say which layer passed an error up.
    private static let wrappers: Set<String> = ["PEM lib", "ASN1 lib", "EVP lib", "system lib", "X509 lib",
                                                 "SSL lib", "DECODER lib", "unsupported", "nested asn1 error"]

    /// The reason that explains a failed load best: the first specific one
    /// (the root cause, e.g. "bad decrypt" under "PEM lib"), else the last.
    static func rootCause(_ reasons: [String]) -> String? {
        reasons.first { !wrappers.contains($0) } ?? reasons.last
    }

    /// `what: reason` from the queue, or just `what` when it is empty.
    static func error(_ what: String) -> TclError {
        if let r = rootCause(drain()) { return TclError("\(what): \(r)") }
        return TclError(what)
    }

    /// `what: message` of an error a script raised (its errorCode kept)
    /// when there is one: that is the cause, not OpenSSL's queue.
    static func error(_ what: String, cause: TclError?) -> TclError {
        guard let cause, let message = cause.message else { return error(what) }
        clear()
        return TclError("\(what): \(message)", errorCode: cause.errorCode)
    }

    static func clear() { ERR_clear_error() }
}
