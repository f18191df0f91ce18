// What a channel keeps of its options once it is stacked: the callbacks'
// scripts and what the handshake callbacks decide by. Everything else
// (certificates, keys, trust, ciphers, the session to resume, -password) has
// gone into the SSL_CTX and the SSL object by then; holding the whole
// TlsOptions (about 0.4 KiB inline, plus its strings) made every idle
// connection larger for nothing.

struct KeptOptions {
    /// -command and -validatecommand (see ThreadScripts.swift for their
    /// moves between threads).
    var command: RetainedObj?
    var validateCommand: RetainedObj?
    /// Fail the handshake unless the peer's certificate verifies.
    let effectiveRequire: Bool
    /// -alpn: the protocols a server chooses from.
    let alpn: [String]?
    /// -servername: what a client's sessions are remembered under (-model).
    let serverName: String?

    init(_ o: TlsOptions) {
        command = o.command
        validateCommand = o.validateCommand
        effectiveRequire = o.effectiveRequire
        alpn = o.alpn
        serverName = o.serverName
    }
}
