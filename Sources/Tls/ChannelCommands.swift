// The commands that act on channels: tls::import (tls::starttls),
// tls::unimport (tls::unstack, tls::shutdown), tls::handshake, tls::status,
// tls::connection; and tls::PrepareServer, tls::socket's check of a server's
// options when it starts listening.
import COpenSSL

enum ChannelCommands {
    static func importChannel(_ interp: TclInterp, _ objv: [TclObj]) throws -> TclObj? {
        guard objv.count >= 2 else { throw TclError.wrongArgs(objv, 1, "channel ?options?") }
        let options = try TlsOptions.parse(interp, objv[2...])
        if let model = options.model { _ = try TlsChannel.find(interp, model, for: "IMPORT") }
        try NoDelay.apply(interp, TclObjects.toString(objv[1]), options)
        let name = try TlsChannel.stack(interp, TclObjects.toString(objv[1]), options)
        return TclObjects.string(name)
    }

    /// `tls::PrepareServer ?options?`: makes (or finds) the context that the
    /// connections of a server with these options will use, so that what is
    /// wrong with them (a missing certificate, a bad key or password, CA
    /// files, DH parameters, cipher strings) is an error when it starts
    /// listening, with tls::import's messages. The context stays cached.
    static func prepareServer(_ interp: TclInterp, _ objv: [TclObj]) throws -> TclObj? {
        var options = try TlsOptions.parse(interp, objv[1...])
        options.server = true
        if let model = options.model {
            _ = try TlsChannel.find(interp, model, for: "IMPORT")
        } else {
            _ = try ContextCache.context(for: options, interp: interp)
        }
        return nil
    }

    /// `tls::SessionCacheCount chan` (for debugging and soaks): how many
    /// server names have a session remembered in chan's client context.
    static func sessionCacheCount(_ interp: TclInterp, _ objv: [TclObj]) throws -> TclObj? {
        guard objv.count == 2 else { throw TclError.wrongArgs(objv, 1, "channel") }
        return TclObjects.int(try TlsChannel.find(interp, TclObjects.toString(objv[1]), for: "SESSIONS").connection.context.sessions.count)
    }

    static func unimport(_ interp: TclInterp, _ objv: [TclObj]) throws -> TclObj? {
        guard objv.count == 2 else { throw TclError.wrongArgs(objv, 1, "channel") }
        try TlsChannel.unstack(interp, TclObjects.toString(objv[1]))
        return nil
    }

    static func handshake(_ interp: TclInterp, _ objv: [TclObj]) throws -> TclObj? {
        guard objv.count == 2 else { throw TclError.wrongArgs(objv, 1, "channel") }
        let ch = try TlsChannel.find(interp, TclObjects.toString(objv[1]), for: "HANDSHAKE")
        return TclObjects.bool(try ch.handshakeCommand())
    }

    static func status(_ interp: TclInterp, _ objv: [TclObj]) throws -> TclObj? {
        var args = objv.dropFirst()
        var local = false
        if args.count == 2, TclObjects.toString(args.first!) == "-local" {
            local = true
            args = args.dropFirst()
        }
        guard args.count == 1 else { throw TclError.wrongArgs(objv, 1, "?-local? channel") }
        let ch = try TlsChannel.find(interp, TclObjects.toString(args.first!), for: "STATUS")
        guard ch.connection.state == .established else { return TclObjects.list([]) }
        return SessionInfo.status(ch.connection.ssl, local: local, ocsp: ch.connection.ocsp)
    }

    static func connection(_ interp: TclInterp, _ objv: [TclObj]) throws -> TclObj? {
        guard objv.count == 2 else { throw TclError.wrongArgs(objv, 1, "channel") }
        let ch = try TlsChannel.find(interp, TclObjects.toString(objv[1]), for: "CONNECTION")
        return SessionInfo.connection(ch.connection.ssl, servedHost: ch.connection.servedHost?.pattern ?? "")
    }
}
