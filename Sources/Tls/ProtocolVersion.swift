// The protocol versions scripts name (`-tls1.2`, `tls::ciphers tls1.3`) and
// what this OpenSSL build can speak.
import COpenSSL

enum ProtocolVersion: String, CaseIterable {
    case ssl2, ssl3, tls1, tls1_1 = "tls1.1", tls1_2 = "tls1.2", tls1_3 = "tls1.3"

    /// OpenSSL's wire version number (SSL2 has none in OpenSSL 3).
    var wireVersion: Int32 {
        switch self {
        case .ssl2: return 0x0002
        case .ssl3: return SSL3_VERSION
        case .tls1: return TLS1_VERSION
        case .tls1_1: return TLS1_1_VERSION
        case .tls1_2: return TLS1_2_VERSION
        case .tls1_3: return TLS1_3_VERSION
        }
    }

    /// Whether this OpenSSL build includes the version at all.
    var isAvailable: Bool {
        switch self {
        case .ssl2: return false
        case .ssl3: return tls_built_with_ssl3() != 0
        case .tls1: return tls_built_with_tls1() != 0
        case .tls1_1: return tls_built_with_tls1_1() != 0
        case .tls1_2, .tls1_3: return true
        }
    }

    static var available: [ProtocolVersion] { allCases.filter(\.isAvailable) }
}

extension ProtocolVersion {
    /// The versions a context enables, from the `-ssl2` ... `-tls1.3` options:
    /// the contiguous range from the lowest to the highest enabled version this
    /// OpenSSL can honour at `securityLevel` (TLS 1.0 and 1.1 only at level 0;
    /// SSL 2 and 3 not at all here). Enabled versions it cannot honour are
    /// ignored, as TclTLS ignores them; a hole (`-tls1 1` with the defaults) is
    /// filled, because OpenSSL would otherwise disable everything above it and
    /// every handshake would fail. Only a set with nothing usable is an error,
    /// saying which option to add.
    static func range(enabled: [ProtocolVersion], securityLevel: Int) throws -> ClosedRange<ProtocolVersion> {
        let honoured = enabled.filter { $0.isAvailable && ($0 >= .tls1_2 || securityLevel == 0) }
        if let lowest = honoured.min(), let highest = honoured.max() { return lowest...highest }
        let old = enabled.filter { $0.isAvailable }.map(\.rawValue)
        if !old.isEmpty {
            throw TclError("\(old.joined(separator: " and ")) need security level 0 (it is \(securityLevel)):"
                           + " add -securitylevel 0, or enable -tls1.2 or -tls1.3",
                           errorCode: ["TLS", "PROTOCOL", "SECURITYLEVEL"])
        }
        throw TclError("no protocol version enabled: enable at least one of -tls1.2 and -tls1.3",
                       errorCode: ["TLS", "PROTOCOL", "NONE"])
    }
}

extension ProtocolVersion: Comparable {
    static func < (a: ProtocolVersion, b: ProtocolVersion) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
