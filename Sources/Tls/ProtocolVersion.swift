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
