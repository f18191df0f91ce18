// libFuzzer target: any DER a peer can send as its certificate, through the
// certificate part of tls::status / the verify callback (CertificateInfo).
import COpenSSL
import FuzzSupport
@testable import Tls

@_cdecl("fuzz_certificate_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv, fuzzCertificate)
}

func fuzzCertificate(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    var p: UnsafePointer<UInt8>? = data
    guard let cert = d2i_X509(nil, &p, size) else { ERR_clear_error(); return 0 }
    defer { X509_free(cert) }
    FuzzInterp.consume(CertificateInfo.dict(cert).object)
    ERR_clear_error()
    return 0
}
