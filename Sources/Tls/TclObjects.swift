// Tcl object helpers: the one place Swift values become Tcl_Obj and back.
// Every Tcl call goes through the stubs table (`tcl.pointee.tcl_X!`).
@preconcurrency import CTcl

typealias TclObj = UnsafeMutablePointer<Tcl_Obj>
/// Opaque under both Tcls (CTcl/shim.h).
typealias TclInterp = OpaquePointer

/// The stubs table, filled by `Tcl_InitStubs` in `Tls_Init`.
@inline(__always) var tcl: UnsafePointer<TclStubs> { tclStubsPtr }

enum TclObjects {
    static func string(_ s: String) -> TclObj {
        var s = s
        return s.withUTF8 { utf8 in
            if !TclUTF8.needsEncoding(utf8) {
                return utf8.withMemoryRebound(to: CChar.self) { tcl.pointee.tcl_NewStringObj!($0.baseAddress, Tcl_Size(utf8.count))! }
            }
            let encoded = TclUTF8.encode(utf8)
            return encoded.withUnsafeBufferPointer { buf in
                buf.withMemoryRebound(to: CChar.self) { tcl.pointee.tcl_NewStringObj!($0.baseAddress, Tcl_Size(buf.count))! }
            }
        }
    }

    static func bytes<C: Collection>(_ b: C) -> TclObj where C.Element == UInt8 {
        let a = Array(b)
        return a.withUnsafeBufferPointer { tcl.pointee.tcl_NewByteArrayObj!($0.baseAddress, Tcl_Size($0.count))! }
    }

    static func bytes(_ p: UnsafeRawPointer?, _ count: Int) -> TclObj {
        tcl.pointee.tcl_NewByteArrayObj!(p?.assumingMemoryBound(to: UInt8.self), Tcl_Size(count))!
    }

    static func int(_ v: Int) -> TclObj { tcl.pointee.tcl_NewWideIntObj!(Tcl_WideInt(v))! }
    static func bool(_ v: Bool) -> TclObj { tcl.pointee.tcl_NewWideIntObj!(v ? 1 : 0)! }

    static func list(_ items: [TclObj]) -> TclObj {
        items.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: UnsafeMutablePointer<Tcl_Obj>?.self) {
                tcl.pointee.tcl_NewListObj!(Tcl_Size($0.count), $0.baseAddress)!
            }
        }
    }

    static func stringList(_ items: [String]) -> TclObj { list(items.map(string)) }

    /// The string form of an object, decoded from Tcl's internal UTF-8.
    static func toString(_ o: TclObj) -> String {
        var len: Tcl_Size = 0
        let p = tcl.pointee.tcl_GetStringFromObj!(o, &len)!
        return p.withMemoryRebound(to: UInt8.self, capacity: Int(len)) {
            TclUTF8.decode(UnsafeBufferPointer(start: $0, count: Int(len)))
        }
    }

    /// The bytes of a byte array (or the low bytes of each character of a
    /// string). nil under Tcl 9 for a character beyond U+00FF, the reason in `interp`.
    static func toBytes(_ o: TclObj, _ interp: TclInterp? = nil) -> [UInt8]? {
        var len: Tcl_Size = 0
        guard let p = tls_Tcl_GetBytesFromObj(interp, o, &len) else { return nil }
        return Array(UnsafeBufferPointer(start: p, count: Int(len)))
    }

    static func toBool(_ interp: TclInterp?, _ o: TclObj) throws -> Bool {
        var v: Int32 = 0
        guard tcl.pointee.tcl_GetBooleanFromObj!(interp, o, &v) == TCL_OK else { throw TclError.fromInterp }
        return v != 0
    }

    static func toInt(_ interp: TclInterp?, _ o: TclObj) throws -> Int {
        var v: Int32 = 0
        guard tcl.pointee.tcl_GetIntFromObj!(interp, o, &v) == TCL_OK else { throw TclError.fromInterp }
        return Int(v)
    }

    static func toList(_ interp: TclInterp?, _ o: TclObj) throws -> [TclObj] {
        var n: Tcl_Size = 0
        var elems: UnsafeMutablePointer<UnsafeMutablePointer<Tcl_Obj>?>? = nil
        guard tcl.pointee.tcl_ListObjGetElements!(interp, o, &n, &elems) == TCL_OK else { throw TclError.fromInterp }
        return (0..<Int(n)).map { elems![$0]! }
    }

    static func retain(_ o: TclObj) { tls_Tcl_IncrRefCount(o) }
    static func release(_ o: TclObj) { tls_Tcl_DecrRefCount(o) }
}

/// A flat key/value list, built in order; the form of `tls::status` and friends.
struct TclDict {
    private(set) var items: [TclObj] = []
    mutating func add(_ key: String, _ value: TclObj) { items.append(TclObjects.string(key)); items.append(value) }
    mutating func add(_ key: String, _ value: String) { add(key, TclObjects.string(value)) }
    mutating func add(_ key: String, _ value: Int) { add(key, TclObjects.int(value)) }
    mutating func add(_ key: String, _ value: Bool) { add(key, TclObjects.bool(value)) }
    var object: TclObj { TclObjects.list(items) }
}

/// A Tcl object held by Swift: one reference, dropped when the holder goes.
final class RetainedObj {
    let obj: TclObj
    init(_ obj: TclObj) { self.obj = obj; TclObjects.retain(obj) }
    deinit { TclObjects.release(obj) }
}

/// Tcl keeps strings in a modified UTF-8: NUL is the two bytes C0 80, and (in
/// Tcl 8.6 only) a character beyond the Basic Multilingual Plane is a surrogate
/// pair, each half encoded as three bytes. Standard UTF-8 passes through unchanged.
enum TclUTF8 {
    static func needsEncoding(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        utf8.contains { $0 == 0 || ($0 >= 0xF0 && TclVersion.supplementaryAsSurrogates) }
    }

    static func encode(_ utf8: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 8)
        for scalar in String(decoding: utf8, as: UTF8.self).unicodeScalars {
            let v = scalar.value
            if v == 0 {
                out += [0xC0, 0x80]
            } else if v > 0xFFFF && TclVersion.supplementaryAsSurrogates {
                let u = v - 0x10000
                for half in [0xD800 + (u >> 10), 0xDC00 + (u & 0x3FF)] {
                    out += [UInt8(0xE0 | (half >> 12)), UInt8(0x80 | ((half >> 6) & 0x3F)), UInt8(0x80 | (half & 0x3F))]
                }
            } else {
                out += Array(String(scalar).utf8)
            }
        }
        return out
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.contains(where: { $0 == 0xC0 || $0 == 0xED }) else {
            return String(decoding: bytes, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        func surrogate(at j: Int) -> UInt32? {
            guard j + 2 < bytes.count, bytes[j] == 0xED, bytes[j + 1] & 0xE0 == 0xA0, bytes[j + 2] & 0xC0 == 0x80 else { return nil }
            return 0xD000 | (UInt32(bytes[j + 1] & 0x3F) << 6) | UInt32(bytes[j + 2] & 0x3F)
        }
        while i < bytes.count {
            if bytes[i] == 0xC0, i + 1 < bytes.count, bytes[i + 1] == 0x80 {
                out.append(0)
                i += 2
            } else if let high = surrogate(at: i) {
                if high < 0xDC00, let low = surrogate(at: i + 3), low >= 0xDC00,
                   let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) {
                    out += Array(String(scalar).utf8)
                    i += 6
                } else {
                    out += [0xEF, 0xBF, 0xBD]
                    i += 3
                }
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
