// swift-tools-version:6.0
// The Tcl package `tls`: OpenSSL-backed TLS channels for Tcl 8.6, written in Swift.
//
// The Makefile passes Tcl's locations (from tclConfig.sh) through the environment:
//   TLS_TCL_INCLUDE  directory holding tcl.h
//   TLS_TCL_STUBLIB  path of libtclstub8.6.a
//   TLS_TCL_LIBDIR   directory holding libtcl8.6.so (Swift tests only)
//   TLS_SHIP=1       the shipped library: static Swift runtime, and `-z defs`
//                    so a stray direct Tcl call (bypassing stubs) fails to link.
//   TLS_FUZZ=1       adds the libFuzzer executables of Tests/fuzz (scripts/fuzz/libfuzzer.sh,
//                    `make fuzz`), built with -sanitize=fuzzer,address into their own
//                    scratch path; without it they do not exist, so neither the shipped
//                    library nor `swift test` sees them.
import PackageDescription

let env = Context.environment
let tclInclude = env["TLS_TCL_INCLUDE"] ?? "/usr/include/tcl8.6"
let tclStubLib = env["TLS_TCL_STUBLIB"] ?? "/usr/lib/x86_64-linux-gnu/libtclstub8.6.a"
let tclLibDir = env["TLS_TCL_LIBDIR"] ?? "/usr/lib/x86_64-linux-gnu"
let ship = env["TLS_SHIP"] == "1"
let fuzz = env["TLS_FUZZ"] == "1"

var libraryLinkFlags = [tclStubLib]
if ship {
    libraryLinkFlags += ["-static-stdlib", "-Xlinker", "-z", "-Xlinker", "defs",
                         "-Xlinker", "--gc-sections", "-Xlinker", "-s"]
}

// The libFuzzer targets: each calls the library's parsers of untrusted bytes
// (through @testable import) inside a real Tcl interpreter (libtcl linked here
// only, as for the Swift tests). They link with lld: gold stops with an
// internal error on libFuzzer's objects.
let fuzzTargets = ["certificate", "hello", "session", "options"]
let fuzzSanitize = ["-sanitize=fuzzer,address"]
var products: [Product] = [.library(name: "tls", type: .dynamic, targets: ["Tls"])]
var fuzzTargetList: [Target] = []
if fuzz {
    fuzzTargetList.append(.target(
        name: "FuzzSupport",
        dependencies: ["Tls", "CTcl", "TclEmbedding"],
        path: "Tests/fuzz/Support",
        swiftSettings: [.unsafeFlags(["-Xcc", "-I" + tclInclude] + fuzzSanitize), .swiftLanguageMode(.v5)]))
    for name in fuzzTargets {
        let target = "fuzz-" + name
        products.append(.executable(name: target, targets: [target]))
        fuzzTargetList.append(.executableTarget(
            name: target,
            dependencies: ["Tls", "CTcl", "FuzzSupport", "TclEmbedding"],
            path: "Tests/fuzz/" + name,
            swiftSettings: [.unsafeFlags(["-Xcc", "-I" + tclInclude, "-parse-as-library"] + fuzzSanitize),
                            .swiftLanguageMode(.v5)],
            linkerSettings: [.unsafeFlags(fuzzSanitize + ["-use-ld=lld", "-L", tclLibDir, "-ltcl8.6"])]))
    }
}
let librarySanitize = fuzz ? fuzzSanitize + ["-enable-testing"] : []

// A Tcl 8.6 interpreter with the package loaded, for the Swift tests and the
// fuzz targets; not part of a shipped build (`make` builds every target, and
// this one needs Tcl 8.6's embedding API).
let embeddingTargets: [Target] = ship ? [] : [.target(
    name: "TclEmbedding",
    dependencies: ["Tls", "CTcl"],
    path: "Tests/TclEmbedding",
    swiftSettings: [.unsafeFlags(["-Xcc", "-I" + tclInclude] + (fuzz ? fuzzSanitize : [])), .swiftLanguageMode(.v5)])]

let package = Package(
    name: "tls",
    products: products,
    targets: [
        .systemLibrary(name: "CTcl", path: "Sources/CTcl"),
        .systemLibrary(name: "COpenSSL", path: "Sources/COpenSSL"),
        .target(
            name: "Tls",
            dependencies: ["CTcl", "COpenSSL"],
            path: "Sources/Tls",
            cSettings: [.unsafeFlags(["-I", tclInclude])],
            swiftSettings: [.unsafeFlags(["-Xcc", "-I" + tclInclude] + librarySanitize), .swiftLanguageMode(.v5)],
            linkerSettings: [.unsafeFlags(libraryLinkFlags)]
        ),
        .testTarget(
            name: "TlsTests",
            dependencies: ["Tls", "CTcl"] + embeddingTargets.map { .target(name: $0.name) },
            path: "Tests/TlsTests",
            swiftSettings: [.unsafeFlags(["-Xcc", "-I" + tclInclude]), .swiftLanguageMode(.v5)],
            linkerSettings: [.unsafeFlags(["-L", tclLibDir, "-ltcl8.6"])]
        ),
    ] + embeddingTargets + fuzzTargetList
)
