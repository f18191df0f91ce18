// libFuzzer target: option values as a script passes them to tls::import,
// tls::socket and tls::init: option names drawn from the table, values from the input (byte arrays
// or raw strings), parsed as TlsOptions.parse does for every command.
import CTcl
import FuzzSupport
@testable import Tls

@_cdecl("fuzz_options_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    runFuzzer(argc, argv, fuzzOptions)
}

func fuzzOptions(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let interp = FuzzInterp.interp
    let names = TlsOptions.names
    // Byte pairs: an option (index into the table) and a value taken from the
    // rest of the input up to the next 0xFF.
    var words: [UnsafeMutablePointer<Tcl_Obj>] = []
    var i = 0
    while i < size {
        let asString = data[i] & 0x80 != 0
        words.append(TclObjects.string(names[Int(data[i] & 0x7F) % names.count]))
        i += 1
        var j = i
        while j < size && data[j] != 0xFF { j += 1 }
        // A string value may be any bytes, malformed UTF-8 included, as Tcl allows.
        words.append(asString ? Tcl_NewStringObj(UnsafeRawPointer(data + i).assumingMemoryBound(to: CChar.self), Tcl_Size(j - i))
                              : TclObjects.bytes(data + i, j - i))
        i = j + 1
    }
    words.forEach(TclObjects.retain)
    Tcl_ResetResult(interp)
    if let options = try? TlsOptions.parse(interp, words[...]) {
        _ = options.effectiveRequest
        _ = options.effectiveRequire
    }
    words.forEach(TclObjects.release)
    Tcl_ResetResult(interp)
    return 0
}
