// PEM text given in memory (-cert, -cadata): the certificates and CRLs it
// holds, in order. A key file or -key may be PEM too (see PrivateKey).
import COpenSSL

enum PEM {
    /// Whether `data` is PEM text (a BEGIN line near its start) rather than DER.
    static func isPEM(_ data: [UInt8]) -> Bool {
        let marker = Array("-----BEGIN ".utf8)
        let head = data.prefix(4096)
        guard head.count >= marker.count else { return false }
        for i in 0...(head.count - marker.count) where head[i] == marker[0] {
            if Array(head[i..<(i + marker.count)]) == marker { return true }
        }
        return false
    }
}

final class PEMBundle {
    /// STACK_OF(X509_INFO)*, owned here with everything in it.
    private let infos: OpaquePointer
    /// X509* and X509_CRL*, borrowed from `infos`: valid while it lives.
    let certificates: [OpaquePointer]
    let crls: [OpaquePointer]

    /// nil (reasons on OpenSSL's error queue) when the text cannot be read.
    init?(_ data: [UInt8]) {
        SSLErrors.clear()
        let read: OpaquePointer? = data.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_X509_INFO_read_bio(bio, nil, nil, nil)
        }
        guard let read else { return nil }
        infos = read
        var certificates: [OpaquePointer] = []
        var crls: [OpaquePointer] = []
        for i in 0..<tls_sk_X509_INFO_num(read) {
            guard let info = tls_sk_X509_INFO_value(read, i) else { continue }
            if let x = info.pointee.x509 { certificates.append(x) }
            if let c = info.pointee.crl { crls.append(c) }
        }
        self.certificates = certificates
        self.crls = crls
    }

    deinit { tls_sk_X509_INFO_pop_free(infos) }
}
