// The one Tcl interpreter of a libFuzzer process, with the package loaded,
// and libFuzzer's driver for executables whose main SwiftPM names.
import CTcl
import TclEmbedding
@testable import Tls

public enum FuzzInterp {
    public static let interp: OpaquePointer = EmbeddedTcl.interpreterWithPackage()

    /// Reads every byte of a value's string form and drops the value: makes the
    /// sanitizer look at all of what a script would see.
    public static func consume(_ obj: UnsafeMutablePointer<Tcl_Obj>) {
        tls_Tcl_IncrRefCount(obj)
        var length: Tcl_Size = 0
        let p = Tcl_GetStringFromObj(obj, &length)
        var sum: UInt8 = 0
        for i in 0..<Int(length) { sum &+= UInt8(bitPattern: p![i]) }
        blackHole = sum
        tls_Tcl_DecrRefCount(obj)
    }

    nonisolated(unsafe) public static var blackHole: UInt8 = 0
}

/// libFuzzer's driver, for an executable whose `main` SwiftPM names itself
/// (`<module>_main`): each target's main calls this with its test function.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32) -> Int32

public func runFuzzer(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                      _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32) -> Int32 {
    var argc = argc
    var argv = argv
    _ = FuzzInterp.interp
    return LLVMFuzzerRunDriver(&argc, &argv, callback)
}
