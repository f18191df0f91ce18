// The channel type record and its C entry points. Tcl holds one reference
// to the TlsChannel (the instance data, taken in TlsChannel.stack) and gives
// it back through close2Proc. Each entry point holds the channel for the
// length of the call as well: a callback's script may close the channel in
// the middle of it, and the rest of the call must find the channel closed,
// not freed.
@preconcurrency import CTcl
import Glibc

/// Runs `body` with the channel of `cd`, held alive until it returns.
private func with<T>(_ cd: ClientData?, _ body: (TlsChannel) -> T) -> T {
    let ch = Unmanaged<TlsChannel>.fromOpaque(cd!).takeUnretainedValue()
    return withExtendedLifetime(ch) { body(ch) }
}

enum TlsChannelType {
    /// The one channel type record, alive for the process.
    nonisolated(unsafe) static let pointer: UnsafeMutablePointer<Tcl_ChannelType> = {
        let t = UnsafeMutablePointer<Tcl_ChannelType>.allocate(capacity: 1)
        t.initialize(to: Tcl_ChannelType())
        t.pointee.typeName = UnsafePointer(strdup("tls"))
        t.pointee.version = tls_Tcl_ChannelVersion5()
        tls_Tcl_SetClose2Marker(t)
        t.pointee.inputProc = { cd, buf, toRead, errorCode in
            with(cd) { ch in ch.insideTcl { ch.input(buf!, toRead, &errorCode!.pointee) } }
        }
        t.pointee.outputProc = { cd, buf, toWrite, errorCode in
            with(cd) { ch in ch.insideTcl { ch.output(buf!, toWrite, &errorCode!.pointee) } }
        }
        t.pointee.setOptionProc = { cd, interp, name, value in
            with(cd) { NoDelay.setOption($0.parent, interp, name, value) }
        }
        t.pointee.getOptionProc = { cd, interp, name, ds in
            with(cd) { NoDelay.getOption($0.parent, interp, name, ds) }
        }
        t.pointee.watchProc = { cd, mask in with(cd) { $0.watch(mask) } }
        t.pointee.getHandleProc = { cd, direction, handle in
            with(cd) { tcl.pointee.tcl_GetChannelHandle!($0.parent, direction, handle) }
        }
        t.pointee.close2Proc = { cd, _, flags in
            // Tcl 8.6 refuses half-close on stacked channels before asking us.
            guard flags & (TCL_CLOSE_READ | TCL_CLOSE_WRITE) == 0 else { return EINVAL }
            let unmanaged = Unmanaged<TlsChannel>.fromOpaque(cd!)
            unmanaged.takeUnretainedValue().close()
            unmanaged.release()  // Tcl's reference
            return 0
        }
        t.pointee.blockModeProc = { cd, mode in with(cd) { $0.setBlocking(mode) } }
        t.pointee.handlerProc = { cd, mask in with(cd) { ch in ch.insideTcl { ch.handle(mask) } } }
        t.pointee.threadActionProc = { cd, action in
            with(cd) { action == TCL_CHANNEL_THREAD_REMOVE ? $0.leaveThread() : $0.enterThread() }
        }
        return t
    }()
}
