// The options of tls::import (and tls::socket, tls::init): one table drives
// parsing, the `bad option` message, ::tls::importOptions and the manual's option list.
@preconcurrency import CTcl

/// Everything a script said about one TLS channel.
struct TlsOptions {
    var server = false
    var certFile: String?
    var keyFile: String?
    var cert: [UInt8]?
    var key: [UInt8]?
    var password: RetainedObj?
    var caFile: String?
    var caDir: String?
    var caStore: String?
    var caData: [UInt8]?
    /// -pinnedpubkey: the peer's key must be one of these.
    var pinnedPublicKeys: PublicKeyPins?
    /// -groups: key-exchange groups, OpenSSL's list syntax.
    var groups: String?
    var crlFile: String?
    var crlDir: String?
    var request: Bool?
    var require: Bool?
    var serverName: String?
    var alpn: [String]?
    var cipher: String?
    var cipherSuites: String?
    var securityLevel: Int?
    var dhParams: String?
    var model: String?
    /// TCP_NODELAY for the socket below; nil leaves it as it is.
    var nodelay: Bool?
    /// Explicit -ssl2 ... -tls1.3 settings; unset versions take the defaults.
    var protocols: [ProtocolVersion: Bool] = [:]
    var postHandshake: Bool?
    var sessionId: [UInt8]?
    var command: RetainedObj?
    var validateCommand: RetainedObj?
    // Beyond TclTLS, for servers (see VirtualHosts, OcspStatus, TicketKeys).
    /// -sni: virtual hosts, in the order given.
    var sni: [VirtualHost] = []
    /// -ocspresponse: DER OCSP response file to staple (server).
    var ocspResponse: String?
    /// -ocsp: ask for and check a stapled OCSP response (client).
    var ocsp = OcspMode.none
    /// -ticketkeys: file of 80-byte session-ticket keys (server).
    var ticketKeys: String?
    /// -handshaketimeout: ms the handshake may take; 0 is no deadline.
    var handshakeTimeout: Int?

    /// The protocol versions to enable: TLS 1.2 and 1.3 unless told otherwise.
    var enabledProtocols: [ProtocolVersion] {
        ProtocolVersion.allCases.filter { protocols[$0] ?? ($0 == .tls1_2 || $0 == .tls1_3) }
    }

    /// Fail the handshake unless the peer's certificate verifies: clients do
    /// by default, unless the script turned requesting off (`-request 0`).
    var effectiveRequire: Bool { require ?? (server ? false : (request ?? true)) }
    /// Ask the peer for a certificate: clients do by default, servers do not;
    /// `-require 1` implies it.
    var effectiveRequest: Bool { effectiveRequire || (request ?? !server) }
    /// The handshake's deadline in ms, nil for none: servers have one by
    /// default (a peer that connects and goes silent must not hold a
    /// connection forever), clients none unless asked, as `socket` does.
    var handshakeTimeoutMs: Int? {
        let ms = handshakeTimeout ?? (server ? TlsOptions.serverHandshakeTimeout : 0)
        return ms > 0 ? ms : nil
    }
    static let serverHandshakeTimeout = 30000
}

/// One row of the option table.
struct OptionSpec {
    let name: String
    let argument: String
    let summary: String
    /// The value names a file (or a directory, or a store URI): refused in
    /// a safe interpreter, which may not open files.
    var namesFile = false
    let apply: (inout TlsOptions, TclInterp?, TclObj) throws -> Void
}

extension TlsOptions {
    private static func string(_ set: @escaping (inout TlsOptions, String) -> Void) -> (inout TlsOptions, TclInterp?, TclObj) throws -> Void {
        { o, _, v in set(&o, TclObjects.toString(v)) }
    }
    private static func path(_ set: @escaping (inout TlsOptions, String?) -> Void) -> (inout TlsOptions, TclInterp?, TclObj) throws -> Void {
        { o, _, v in let s = TclObjects.toString(v); set(&o, s.isEmpty ? nil : s) }
    }
    private static func bool(_ set: @escaping (inout TlsOptions, Bool) -> Void) -> (inout TlsOptions, TclInterp?, TclObj) throws -> Void {
        { o, interp, v in set(&o, try TclObjects.toBool(interp, v)) }
    }
    private static func bytes(_ set: @escaping (inout TlsOptions, [UInt8]?) -> Void) -> (inout TlsOptions, TclInterp?, TclObj) throws -> Void {
        { o, interp, v in
            guard let b = TclObjects.toBytes(v, interp) else { throw TclError.fromInterp }
            set(&o, b.isEmpty ? nil : b)
        }
    }
    private static func script(_ set: @escaping (inout TlsOptions, RetainedObj?) -> Void) -> (inout TlsOptions, TclInterp?, TclObj) throws -> Void {
        { o, _, v in set(&o, TclObjects.toString(v).isEmpty ? nil : RetainedObj(v)) }
    }
    private static func proto(_ p: ProtocolVersion) -> OptionSpec {
        OptionSpec(name: "-" + p.rawValue, argument: "bool",
                   summary: "enable \(p.rawValue) (default: \(p == .tls1_2 || p == .tls1_3 ? "on" : "off"))",
                   apply: bool { $0.protocols[p] = $1 })
    }
    private static let securityLevel: (inout TlsOptions, TclInterp?, TclObj) throws -> Void = { o, interp, v in
        let n = try TclObjects.toInt(interp, v)
        guard (0...5).contains(n) else { throw TclError("bad security level \"\(n)\": must be an integer from 0 to 5") }
        o.securityLevel = n
    }
    private static let validate = script { $0.validateCommand = $1 }

    static let table: [OptionSpec] = [
        OptionSpec(name: "-alpn", argument: "list", summary: "ALPN protocols to offer (client) or accept (server)") { o, interp, v in
            let items = try TclObjects.toList(interp, v).map(TclObjects.toString)
            for p in items where p.isEmpty || p.utf8.count > 255 {
                throw TclError("bad ALPN protocol \"\(p)\": must be 1 to 255 bytes")
            }
            o.alpn = items.isEmpty ? nil : items
        },
        OptionSpec(name: "-cadata", argument: "pem", summary: "trusted CA certificates (and CRLs), PEM text", apply: bytes { $0.caData = $1 }),
        OptionSpec(name: "-cadir", argument: "dir", summary: "directory of trusted CA certificates (hashed names)", namesFile: true, apply: path { $0.caDir = $1 }),
        OptionSpec(name: "-cafile", argument: "file", summary: "PEM file of trusted CA certificates", namesFile: true, apply: path { $0.caFile = $1 }),
        OptionSpec(name: "-castore", argument: "uri", summary: "OpenSSL store URI of trusted CA certificates", namesFile: true, apply: path { $0.caStore = $1 }),
        OptionSpec(name: "-cert", argument: "data", summary: "our certificate, DER bytes or PEM text (a chain: ours first)", apply: bytes { $0.cert = $1 }),
        OptionSpec(name: "-certfile", argument: "file", summary: "our certificate (chain), PEM file", namesFile: true, apply: path { $0.certFile = $1 }),
        OptionSpec(name: "-cipher", argument: "string", summary: "OpenSSL cipher list for TLS 1.2 and below", apply: path { $0.cipher = $1 }),
        OptionSpec(name: "-ciphersuites", argument: "string", summary: "TLS 1.3 cipher suites", apply: path { $0.cipherSuites = $1 }),
        OptionSpec(name: "-command", argument: "script", summary: "notification callback (info, error, session, message)", apply: script { $0.command = $1 }),
        OptionSpec(name: "-crldir", argument: "dir", summary: "directory of CRLs (hashed names) checked during verification", namesFile: true, apply: path { $0.crlDir = $1 }),
        OptionSpec(name: "-crlfile", argument: "file", summary: "PEM file of CRLs checked during verification", namesFile: true, apply: path { $0.crlFile = $1 }),
        OptionSpec(name: "-dhparams", argument: "file", summary: "DH parameters file (server); default: automatic", namesFile: true, apply: path { $0.dhParams = $1 }),
        OptionSpec(name: "-groups", argument: "list", summary: "key-exchange groups to offer or accept, e.g. X25519:P-256", apply: path { $0.groups = $1 }),
        OptionSpec(name: "-handshaketimeout", argument: "ms", summary: "fail a handshake not done in time; 0: never (default: server 30000, client 0)") { o, interp, v in
            let n = try TclObjects.toInt(interp, v)
            guard n >= 0 else { throw TclError("bad -handshaketimeout \"\(n)\": must be a number of milliseconds, 0 or more") }
            o.handshakeTimeout = n
        },
        OptionSpec(name: "-key", argument: "data", summary: "our private key (RSA, EC, Ed25519, ...), DER bytes or PEM text", apply: bytes { $0.key = $1 }),
        OptionSpec(name: "-keyfile", argument: "file", summary: "our private key, PEM file (default: the -certfile)", namesFile: true, apply: path { $0.keyFile = $1 }),
        OptionSpec(name: "-model", argument: "channel", summary: "share the context of an existing TLS channel", apply: path { $0.model = $1 }),
        OptionSpec(name: "-nodelay", argument: "bool", summary: "TCP_NODELAY on the socket below (default: on for tls::socket; tls::import leaves it as it is)", apply: bool { $0.nodelay = $1 }),
        OptionSpec(name: "-ocsp", argument: "none|request|require", summary: "ask for the server's stapled OCSP response and check it; require fails the handshake unless it says good (default: none)") { o, _, v in
            let word = TclObjects.toString(v)
            guard let mode = OcspMode(rawValue: word) else {
                throw TclError.badChoice("-ocsp mode", word, OcspMode.allCases.map(\.rawValue))
            }
            o.ocsp = mode
        },
        OptionSpec(name: "-ocspresponse", argument: "file", summary: "DER OCSP response to staple (server); read again when the file changes", namesFile: true, apply: path { $0.ocspResponse = $1 }),
        OptionSpec(name: "-password", argument: "script", summary: "called as `script password rwflag size` for an encrypted key", apply: script { $0.password = $1 }),
        OptionSpec(name: "-pinnedpubkey", argument: "pins", summary: "the peer's public key must be one of these: sha256//BASE64 items separated by ; (curl's syntax)") { o, _, v in
            let text = TclObjects.toString(v)
            o.pinnedPublicKeys = text.isEmpty ? nil : try PublicKeyPins(parsing: text)
        },
        OptionSpec(name: "-post_handshake", argument: "bool", summary: "allow TLS 1.3 post-handshake authentication", apply: bool { $0.postHandshake = $1 }),
        OptionSpec(name: "-request", argument: "bool", summary: "ask for the peer's certificate (default: client yes, server no)", apply: bool { $0.request = $1 }),
        OptionSpec(name: "-require", argument: "bool", summary: "insist on a valid peer certificate (default: client yes, server no)", apply: bool { $0.require = $1 }),
        OptionSpec(name: "-securitylevel", argument: "0-5", summary: "OpenSSL security level", apply: securityLevel),
        OptionSpec(name: "-security_level", argument: "0-5", summary: "alias of -securitylevel", apply: securityLevel),
        OptionSpec(name: "-server", argument: "bool", summary: "handshake as the server", apply: bool { $0.server = $1 }),
        OptionSpec(name: "-servername", argument: "host", summary: "SNI name to send, and the name the peer certificate must match", apply: path { $0.serverName = $1 }),
        OptionSpec(name: "-session_id", argument: "bytes", summary: "session id context (server) or session data to resume (client)", apply: bytes { $0.sessionId = $1 }),
        OptionSpec(name: "-sni", argument: "{pattern options ...}", summary: "virtual hosts (server): certificate options (-certfile -keyfile -cert -key -cafile -alpn -ocspresponse) per host name or *.domain") { o, interp, v in
            o.sni = try VirtualHost.parse(interp, v)
        },
        proto(.ssl2), proto(.ssl3), proto(.tls1), proto(.tls1_1), proto(.tls1_2), proto(.tls1_3),
        OptionSpec(name: "-ticketkeys", argument: "file", summary: "session-ticket keys (server): 80-byte keys back to back, the first encrypts; read again when the file changes", namesFile: true, apply: path { $0.ticketKeys = $1 }),
        OptionSpec(name: "-validatecommand", argument: "script", summary: "decision callback (verify, hello, sni, alpn)", apply: validate),
        OptionSpec(name: "-vcmd", argument: "script", summary: "alias of -validatecommand", apply: validate),
    ]

    static var names: [String] { table.map(\.name) }

    static func badOption(_ name: String) -> TclError {
        let all = names
        return TclError("bad option \"\(name)\": must be one of \(all.dropLast().joined(separator: ", ")), or \(all.last!)",
                        errorCode: ["TLS", "OPTION", name])
    }

    /// A safe interpreter names no files, as it cannot `open` them; worded
    /// as Tcl's safe base refuses `source` and `load` outside its paths.
    static func safeRefusal(_ name: String) -> TclError {
        let inMemory = ["-certfile": "-cert", "-keyfile": "-key", "-cafile": "-cadata"][name]
        let hint = inMemory.map { "; give the value in memory with \($0)" } ?? ""
        return TclError("permission denied: \(name) names a file, which a safe interpreter may not do\(hint)",
                        errorCode: ["TLS", "SAFE", name])
    }

    /// Parses `-option value ...` pairs.
    static func parse(_ interp: TclInterp?, _ args: ArraySlice<TclObj>) throws -> TlsOptions {
        var options = TlsOptions()
        var i = args.startIndex
        while i < args.endIndex {
            let name = TclObjects.toString(args[i])
            guard let spec = table.first(where: { $0.name == name }) else { throw badOption(name) }
            // Worded as TclTLS and the core socket command word it.
            guard i + 1 < args.endIndex else { throw TclError("no argument given for \(name) option") }
            if spec.namesFile, let interp, tcl.pointee.tcl_IsSafe!(interp) != 0,
               !TclObjects.toString(args[i + 1]).isEmpty {
                throw safeRefusal(name)
            }
            try spec.apply(&options, interp, args[i + 1])
            i += 2
        }
        return options
    }
}
