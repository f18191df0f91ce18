// TCP_NODELAY on the socket below a TLS channel (the -nodelay option of
// tls::import and tls::socket, and `fconfigure $chan -nodelay`). A TLS channel
// writes whole records, so Nagle's algorithm gains nothing; it only holds back
// the second of two small writes until the peer's delayed ACK (40 ms).
// The value shown is always the one read back from the kernel.
@preconcurrency import CTcl
import Glibc

enum NoDelay {
    static let optionName = "-nodelay"

    /// TCP_NODELAY of the descriptor under `c`; nil when it is not a TCP socket.
    static func get(_ c: Tcl_Channel) -> Bool? {
        guard let fd = ParentChannel.descriptor(c) else { return nil }
        var on: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, &length) == 0 else { return nil }
        return on != 0
    }

    /// Sets TCP_NODELAY on the descriptor under `c`, or says why it cannot.
    static func set(_ c: Tcl_Channel, _ on: Bool) throws {
        guard let fd = ParentChannel.descriptor(c) else {
            throw TclError("can't set -nodelay: the channel has no descriptor")
        }
        var value: Int32 = on ? 1 : 0
        guard setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            let message = String(cString: tcl.pointee.tcl_ErrnoMsg!(errno)!).lowercased()
            throw TclError("can't set -nodelay: \(message)",
                           errorCode: ["POSIX", String(cString: tcl.pointee.tcl_ErrnoId!()!), message])
        }
    }

    /// `tls::import ... -nodelay bool`: applied to the channel being stacked
    /// on, before TLS goes on it. Without the option the socket is left alone.
    static func apply(_ interp: TclInterp, _ chanName: String, _ options: TlsOptions) throws {
        guard let on = options.nodelay else { return }
        guard let bottom = tcl.pointee.tcl_GetChannel!(interp, chanName, nil) else { throw TclError.fromInterp }
        try set(tcl.pointee.tcl_GetTopChannel!(bottom)!, on)
    }

    // MARK: the TLS channel's option procs

    /// setOptionProc: -nodelay on a TCP socket is ours, the rest the parent's.
    static func setOption(_ parent: Tcl_Channel, _ interp: TclInterp?, _ name: UnsafePointer<CChar>?,
                          _ value: UnsafePointer<CChar>?) -> Int32 {
        guard let name, String(cString: name) == optionName, get(parent) != nil else {
            return ParentChannel.setOption(parent, interp, name, value)
        }
        var on: Int32 = 0
        guard tcl.pointee.tcl_GetBoolean!(interp, value, &on) == TCL_OK else { return TCL_ERROR }
        do {
            try set(parent, on != 0)
            return TCL_OK
        } catch let error as TclError {
            if let interp { error.apply(to: interp) }
            return TCL_ERROR
        } catch {
            return TCL_ERROR
        }
    }

    /// getOptionProc: -nodelay on a TCP socket is ours; `fconfigure $chan`
    /// lists the parent's options and then -nodelay (unless the parent has
    /// its own, as Tcl 9's sockets do).
    static func getOption(_ parent: Tcl_Channel, _ interp: TclInterp?, _ name: UnsafePointer<CChar>?,
                          _ ds: UnsafeMutablePointer<Tcl_DString>?) -> Int32 {
        if let name {
            guard String(cString: name) == optionName, let on = get(parent) else {
                return ParentChannel.getOption(parent, interp, name, ds)
            }
            _ = tcl.pointee.tcl_DStringAppend!(ds, on ? "1" : "0", -1)
            return TCL_OK
        }
        let result = ParentChannel.getOption(parent, interp, nil, ds)
        guard result == TCL_OK, let on = get(parent), !parentKnows(parent) else { return result }
        _ = tcl.pointee.tcl_DStringAppendElement!(ds, optionName)
        _ = tcl.pointee.tcl_DStringAppendElement!(ds, on ? "1" : "0")
        return result
    }

    private static func parentKnows(_ parent: Tcl_Channel) -> Bool {
        var scratch = Tcl_DString()
        tcl.pointee.tcl_DStringInit!(&scratch)
        defer { tcl.pointee.tcl_DStringFree!(&scratch) }
        return ParentChannel.getOption(parent, nil, optionName, &scratch) == TCL_OK
    }
}
