// Where a TLS channel is in its life, as one value. The TLS session's own
// progress (handshaking, established, failed) is the connection's state; the
// stage is the channel's: whether the script still holds it, and what it
// asked for on the way out. Every path that can run after a close (a
// callback's script, deferred work, a late event from below) asks the stage,
// and deferred work cannot even be scheduled once it is `.closed`.

enum ChannelStage: Equatable {
    /// In the script's hands; the handshake may still be running.
    case open
    /// `close $chan write` waits for the handshake and for Tcl's output;
    /// then close_notify goes out and the channel below is shut for writing.
    case halfClosing
    /// tls::unimport is popping the layer: the channel below lives on.
    case unstacking
    /// close2Proc runs: close_notify goes out, and -command still hears of
    /// it (not for an unstack: the script still names the channel then,
    /// and must not act on it in the middle); nothing else happens.
    case closing
    /// Closed or unstacked: nothing may touch the channel below, OpenSSL's
    /// transport or the Tcl channel any more.
    case closed
}

/// The failures the script has been told of; each is told once.
struct ToldFailures: OptionSet {
    let rawValue: UInt8
    /// -command heard that the handshake failed.
    static let handshakeToCommand = ToldFailures(rawValue: 1)
    /// A read, a write or tls::handshake raised the handshake's failure:
    /// output still queued in Tcl is dropped from then on, so that the
    /// script's close does not fail once more.
    static let handshakeRaised = ToldFailures(rawValue: 2)
    /// -command heard of a read or write error after the handshake.
    static let ioToCommand = ToldFailures(rawValue: 4)
}
