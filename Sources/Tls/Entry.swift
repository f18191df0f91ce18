// The package's C entry points, called by Tcl's `load`.
@preconcurrency import CTcl

let packageVersion = "2.1.0"

/// Every command of the package; aliases share a handler.
let commandTable: [(name: String, handler: CommandHandler)] = [
    ("::tls::version", InfoCommands.version),
    ("::tls::protocols", InfoCommands.protocols),
    ("::tls::ciphers", InfoCommands.ciphers),
    ("::tls::import", ChannelCommands.importChannel),
    ("::tls::starttls", ChannelCommands.importChannel),
    ("::tls::unimport", ChannelCommands.unimport),
    ("::tls::unstack", ChannelCommands.unimport),
    ("::tls::shutdown", ChannelCommands.unimport),
    ("::tls::handshake", ChannelCommands.handshake),
    ("::tls::status", ChannelCommands.status),
    ("::tls::connection", ChannelCommands.connection),
    ("::tls::misc", MiscCommands.misc),
    ("::tls::PrepareServer", ChannelCommands.prepareServer),
    ("::tls::SessionCacheCount", ChannelCommands.sessionCacheCount),
]

@_cdecl("Tls_Init")
public func Tls_Init(_ interp: OpaquePointer?) -> Int32 {
    guard let interp, Stubs.initialize(interp) else { return TCL_ERROR }
    LoadedInterps.add(interp)
    TclCommand.registerAll(interp)
    CloseCommand.install(interp)
    // tls.tcl validates tls::socket/tls::init options against this list.
    _ = tcl.pointee.tcl_SetVar2Ex!(interp, "::tls::importOptions", nil,
                                   TclObjects.stringList(TlsOptions.names), TCL_GLOBAL_ONLY)
    return tcl.pointee.tcl_PkgProvideEx!(interp, "tls", packageVersion, nil)
}

/// Safe interpreters get the same commands: TLS over channels they were given.
@_cdecl("Tls_SafeInit")
public func Tls_SafeInit(_ interp: OpaquePointer?) -> Int32 {
    Tls_Init(interp)
}
