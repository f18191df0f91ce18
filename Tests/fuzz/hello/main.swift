// libFuzzer target: the ClientHello values handed to -validatecommand scripts:
// the server_name extension (hello), the ALPN list (alpn). The first byte
// chooses the parser, the rest is the extension as the peer sent it.
import FuzzSupport
@testable import Tls

@_cdecl("fuzz_hello_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv, fuzzHello)
}

func fuzzHello(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let body = UnsafeBufferPointer(start: data + 1, count: size - 1)
    if data[0] & 1 == 0 {
        if let name = ServerNameExtension.parse(body) { FuzzInterp.consume(TclObjects.string(name)) }
    } else {
        for entry in ALPN.entries(body) {
            precondition(entry.offset >= 0 && entry.offset < body.count)
            FuzzInterp.consume(TclObjects.string(entry.name))
        }
    }
    return 0
}
