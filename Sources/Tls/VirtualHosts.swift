// -sni: a server's virtual hosts. Each pattern (a host name, or `*.domain`
// for exactly one more label) names the certificate options to serve when a
// client asks for a matching name; the rest of the configuration is the main
// one. Each host's SSL_CTX is an ordinary cached context (ContextCache), part
// of the main one's configuration (ContextConfig.virtualHosts), held by the
// main context (SSLContext.virtualHosts) and switched to from the servername
// callback (HandshakeCallbacks) with SSL_set_SSL_CTX.

/// One `pattern {options}` pair of -sni.
struct VirtualHost {
    /// Lower case, without a trailing dot: `www.example.com` or `*.example.com`.
    let pattern: String
    /// Only the fields named in `allowed` are set.
    let overrides: TlsOptions

    /// The options a host entry may give; the others are the main ones.
    static let allowed = ["-alpn", "-cafile", "-cert", "-certfile", "-key", "-keyfile", "-ocspresponse"]

    /// The main options with this host's certificate (and CAs, ALPN list and
    /// OCSP response, where given). The main certificate's OCSP response is
    /// not this certificate's, so it is not inherited.
    func options(from main: TlsOptions) -> TlsOptions {
        var o = main
        o.certFile = overrides.certFile
        o.keyFile = overrides.keyFile
        o.cert = overrides.cert
        o.key = overrides.key
        o.ocspResponse = overrides.ocspResponse
        if let ca = overrides.caFile { o.caFile = ca }
        if let alpn = overrides.alpn { o.alpn = alpn }
        o.sni = []
        return o
    }

    /// Whether `name` (lower case, no trailing dot) matches `pattern`: the
    /// same name, or for `*.domain` one label (not empty, no dot) before `domain`.
    static func matches(_ pattern: String, _ name: String) -> Bool {
        guard pattern.hasPrefix("*.") else { return name == pattern }
        let domain = pattern.dropFirst(1)  // ".domain"
        guard name.hasSuffix(domain) else { return false }
        let label = name.dropLast(domain.count)
        return !label.isEmpty && !label.contains(".")
    }

    /// The entry to serve for the name a client sent: an exact name before
    /// any wildcard, else the first wildcard that matches.
    static func lookup(_ patterns: [String], _ serverName: String) -> Int? {
        let name = normalized(serverName)
        return patterns.firstIndex { !$0.hasPrefix("*.") && matches($0, name) }
            ?? patterns.firstIndex { $0.hasPrefix("*.") && matches($0, name) }
    }

    /// The entry whose pattern is `pattern` (as a script names it).
    static func lookup(_ patterns: [String], pattern: String) -> Int? {
        let p = normalized(pattern.trimmingWhitespace())
        return patterns.firstIndex { $0 == p }
    }

    /// Lower case, without a trailing dot.
    private static func normalized(_ name: String) -> String {
        var n = name.lowercased()
        if n.hasSuffix(".") { n.removeLast() }
        return n
    }

    /// Parses the value of -sni: `pattern options pattern options ...`.
    static func parse(_ interp: TclInterp?, _ value: TclObj) throws -> [VirtualHost] {
        let words = try TclObjects.toList(interp, value)
        guard words.count % 2 == 0 else {
            throw TclError("bad -sni value: must be a list of pattern and option list pairs")
        }
        var hosts: [VirtualHost] = []
        for i in stride(from: 0, to: words.count, by: 2) {
            let pattern = try checkedPattern(TclObjects.toString(words[i]))
            guard !hosts.contains(where: { $0.pattern == pattern }) else {
                throw TclError("bad -sni pattern \"\(pattern)\": given twice")
            }
            let options = try TclObjects.toList(interp, words[i + 1])
            for j in stride(from: 0, to: options.count, by: 2) {
                let name = TclObjects.toString(options[j])
                guard allowed.contains(name) else {
                    throw TclError.badChoice("-sni option", name, allowed)
                }
            }
            let overrides = try TlsOptions.parse(interp, ArraySlice(options))
            guard overrides.cert != nil || overrides.certFile != nil else {
                throw TclError("bad -sni entry \"\(pattern)\": needs -certfile or -cert")
            }
            hosts.append(VirtualHost(pattern: pattern, overrides: overrides))
        }
        return hosts
    }

    private static func checkedPattern(_ raw: String) throws -> String {
        let p = normalized(raw)
        let name = p.hasPrefix("*.") ? String(p.dropFirst(2)) : p
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        let valid = !name.isEmpty && name.utf8.count <= 253 && labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63
                && label.utf8.allSatisfy { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0) || (0x61...0x7a).contains($0) }
        }
        guard valid, !(p.hasPrefix("*.") && labels.count < 2) else {
            throw TclError("bad -sni pattern \"\(raw)\": must be a host name or *.domain")
        }
        return p
    }
}
