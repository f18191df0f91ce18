// The commands that act on channels: tls::import (tls::starttls),
// tls::unimport (tls::unstack), tls::handshake, tls::status, tls::connection.
import COpenSSL

enum ChannelCommands {
    static func importChannel(_ interp: TclInterp, _ objv: [TclObj]) throws -> TclObj? {
        guard objv.count >= 2 else { throw TclError.wrongArgs(objv, 1, "channel ?options?") }
        let options = try TlsOptions.parse(interp, objv[2...])
        if let model = options.model { _ = try TlsChannel.find(interp, model) }
        let name = try TlsChannel.stack(interp, TclObjects.toString(objv[1]), options)
        return TclObjects.string(name)
    }

    static func unimport(_ interp: TclInterp, _ objv: [TclObj]) throws -> TclObj? {
        guard objv.count == 2 else { throw TclError.wrongArgs(objv, 1, "channel") }
        try TlsChannel.unstack(interp, TclObjects.toString(objv[1]))
        return nil
    }

    static func handshake(_ interp: TclInterp, _ objv: [TclObj]) throws -> TclObj? {
        guard objv.count == 2 else { throw TclError.wrongArgs(objv, 1, "channel") }
        let ch = try TlsChannel.find(interp, TclObjects.toString(objv[1]))
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
        let ch = try TlsChannel.find(interp, TclObjects.toString(args.first!))
        guard ch.connection.state == .established else { return TclObjects.list([]) }
        return SessionInfo.status(ch.connection.ssl, local: local)
    }

    static func connection(_ interp: TclInterp, _ objv: [TclObj]) throws -> TclObj? {
        guard objv.count == 2 else { throw TclError.wrongArgs(objv, 1, "channel") }
        let ch = try TlsChannel.find(interp, TclObjects.toString(objv[1]))
        return SessionInfo.connection(ch.connection.ssl)
    }
}
