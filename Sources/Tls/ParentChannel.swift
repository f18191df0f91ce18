// The channel below ours, driven directly through its driver procs (not
// Tcl_ReadRaw and friends, which would mark the stack's shared state), and
// channel options read as strings.
@preconcurrency import CTcl
import Glibc

/// The channel below ours, driven directly through its driver procs.
enum ParentChannel {
    private static func type(_ c: Tcl_Channel) -> UnsafePointer<Tcl_ChannelType> {
        tcl.pointee.tcl_GetChannelType!(c)!
    }
    private static func data(_ c: Tcl_Channel) -> ClientData? { tcl.pointee.tcl_GetChannelInstanceData!(c) }

    static func watch(_ c: Tcl_Channel, _ mask: Int32) {
        tcl.pointee.tcl_ChannelWatchProc!(type(c))?(data(c), mask)
    }

    /// Reads and drops whatever input the OS already holds for the channel's
    /// descriptor, without blocking; nothing happens for non-socket channels.
    /// A read shorter than the scratch space has taken all there was.
    static func discardArrivedInput(_ c: Tcl_Channel) {
        guard let fd = descriptor(c) else { return }
        withUnsafeTemporaryAllocation(byteCount: 16384, alignment: 16) { scratch in
            for _ in 0..<64 {
                if recv(fd, scratch.baseAddress, scratch.count, Int32(MSG_DONTWAIT)) < scratch.count { break }
            }
        }
    }

    /// Closes one direction of the channel below (half-close); an errno or 0.
    static func close(_ c: Tcl_Channel, _ interp: TclInterp?, _ direction: Int32) -> Int32 {
        guard let proc = tcl.pointee.tcl_ChannelClose2Proc!(type(c)) else { return EINVAL }
        return proc(data(c), interp, direction)
    }

    /// The OS descriptor the channel reads from, if it has one.
    static func descriptor(_ c: Tcl_Channel) -> Int32? {
        var handle: ClientData? = nil
        guard tcl.pointee.tcl_GetChannelHandle!(c, TCL_READABLE, &handle) == TCL_OK else { return nil }
        return Int32(truncatingIfNeeded: Int(bitPattern: handle))
    }

    static func setBlocking(_ c: Tcl_Channel, _ mode: Int32) -> Int32 {
        guard let proc = tcl.pointee.tcl_ChannelBlockModeProc!(type(c)) else { return 0 }
        return proc(data(c), mode)
    }

    static func setOption(_ c: Tcl_Channel, _ interp: TclInterp?, _ name: UnsafePointer<CChar>?, _ value: UnsafePointer<CChar>?) -> Int32 {
        guard let proc = tcl.pointee.tcl_ChannelSetOptionProc!(type(c)) else {
            return tcl.pointee.tcl_BadChannelOption!(interp, name, "")
        }
        return proc(data(c), interp, name, value)
    }

    static func getOption(_ c: Tcl_Channel, _ interp: TclInterp?, _ name: UnsafePointer<CChar>?, _ ds: UnsafeMutablePointer<Tcl_DString>?) -> Int32 {
        guard let proc = tcl.pointee.tcl_ChannelGetOptionProc!(type(c)) else {
            if name == nil { return TCL_OK }
            return tcl.pointee.tcl_BadChannelOption!(interp, name, "")
        }
        return proc(data(c), interp, UnsafeMutablePointer(mutating: name), ds)
    }
}

/// Reading a channel option's value as a string (the generic ones included).
enum ChannelOptions {
    static func get(_ c: Tcl_Channel, _ name: String) -> String? {
        var ds = Tcl_DString()
        tcl.pointee.tcl_DStringInit!(&ds)
        defer { tcl.pointee.tcl_DStringFree!(&ds) }
        guard tcl.pointee.tcl_GetChannelOption!(nil, c, name, &ds) == TCL_OK else { return nil }
        return String(cString: ds.string)
    }
}
