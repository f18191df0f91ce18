// libFuzzer target: the bytes a script gives to -session_id (a client's
// session to resume, from tls::connection or anywhere): decoded, copied and set
// on a client SSL as Connection does, then described as tls::connection would.
import COpenSSL
import FuzzSupport
@testable import Tls

nonisolated(unsafe) let clientContext: OpaquePointer = SSL_CTX_new(TLS_client_method())!

@_cdecl("fuzz_session_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv, fuzzSession)
}

func fuzzSession(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard let decoded = SessionData.decode(Array(UnsafeBufferPointer(start: data, count: size))),
          let session = decoded.copy() else { ERR_clear_error(); return 0 }
    if let ssl = SSL_new(clientContext) {
        _ = SSL_set_session(ssl, session)
        FuzzInterp.consume(SessionInfo.connection(ssl))
        _ = SessionInfo.sessionData(ssl)
        SSL_free(ssl)
    }
    SSL_SESSION_free(session)
    ERR_clear_error()
    return 0
}
