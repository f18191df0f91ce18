// The BIO that moves TLS records between OpenSSL and the channel below the
// TLS layer, with Tcl_ReadRaw/Tcl_WriteRaw. OpenSSL's read-ahead makes each
// read ask for a whole buffer, so a record's header and body arrive in one
// system call rather than two.
@preconcurrency import CTcl
import COpenSSL
import Glibc

enum ChannelBIO {
    /// One method table for every channel's BIO, made on first use.
    nonisolated(unsafe) private static let method: OpaquePointer = {
        let m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "tcl channel")!
        BIO_meth_set_write(m, bioWrite)
        BIO_meth_set_read(m, bioRead)
        BIO_meth_set_ctrl(m, bioCtrl)
        BIO_meth_set_create(m, { bio in BIO_set_init(bio, 1); return 1 })
        BIO_meth_set_destroy(m, { _ in 1 })
        return m
    }()

    /// A BIO reading from and writing to `parent`; SSL_set_bio takes ownership.
    static func make(parent: Tcl_Channel) -> OpaquePointer {
        let bio = BIO_new(method)!
        BIO_set_data(bio, UnsafeMutableRawPointer(parent))
        return bio
    }
}

/// The channel below, or nil once the TLS channel was closed under OpenSSL
/// (a callback closed it mid-handshake): then every transfer fails.
private func parentOf(_ bio: OpaquePointer?) -> Tcl_Channel? {
    BIO_get_data(bio).map { Tcl_Channel($0) }
}

private func bioRead(_ bio: OpaquePointer?, _ buf: UnsafeMutablePointer<CChar>?, _ len: Int32) -> Int32 {
    tls_BIO_clear_retry_flags(bio)
    guard let parent = parentOf(bio) else { return -1 }
    tcl.pointee.tcl_SetErrno!(0)
    let n = tcl.pointee.tcl_ReadRaw!(parent, buf, len)
    if n > 0 { return n }
    if n == 0 && tcl.pointee.tcl_Eof!(parent) != 0 { return 0 }
    let err = tcl.pointee.tcl_GetErrno!()
    if n == 0 || err == EAGAIN || err == EWOULDBLOCK || err == EINTR {
        tls_BIO_set_retry_read(bio)
    }
    return -1
}

private func bioWrite(_ bio: OpaquePointer?, _ buf: UnsafePointer<CChar>?, _ len: Int32) -> Int32 {
    tls_BIO_clear_retry_flags(bio)
    guard let parent = parentOf(bio) else { return -1 }
    tcl.pointee.tcl_SetErrno!(0)
    let n = tcl.pointee.tcl_WriteRaw!(parent, buf, len)
    if n > 0 { return n }
    let err = tcl.pointee.tcl_GetErrno!()
    if n == 0 || err == EAGAIN || err == EWOULDBLOCK || err == EINTR {
        tls_BIO_set_retry_write(bio)
    }
    return -1
}

private func bioCtrl(_ bio: OpaquePointer?, _ cmd: Int32, _ num: Int, _ ptr: UnsafeMutableRawPointer?) -> Int {
    switch cmd {
    case BIO_CTRL_FLUSH, BIO_CTRL_DUP: return 1
    default: return 0
    }
}
