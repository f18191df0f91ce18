// -ticketkeys file: session-ticket keys shared by several server processes,
// so a client resumes on whichever one it reaches. The file holds one or more
// 80-byte keys back to back (nginx's ssl_session_ticket_key format, made by
// `openssl rand 80`), each split as nginx splits it: 16 bytes of key name,
// 32 of HMAC-SHA256 secret, 32 of AES-256-CBC key. The first key encrypts new
// tickets; every key decrypts. The file is read when its context is built,
// and its stamp is part of the context's key, so replacing it rotates the keys
// for the next connection.
import COpenSSL

struct TicketKey {
    static let size = 80
    let name: [UInt8]
    let hmacSecret: [UInt8]
    let aesKey: [UInt8]
}

/// The keys of one server context (immutable once read, so any thread may use them).
final class TicketKeys: @unchecked Sendable {
    let keys: [TicketKey]

    init(file path: String) throws {
        let bytes = try FileContents.read(path)
        guard !bytes.isEmpty, bytes.count % TicketKey.size == 0 else {
            throw TclError("bad -ticketkeys file \"\(path)\": must hold one or more \(TicketKey.size)-byte keys (\(bytes.count) bytes)")
        }
        keys = stride(from: 0, to: bytes.count, by: TicketKey.size).map { at in
            TicketKey(name: Array(bytes[at..<at + 16]), hmacSecret: Array(bytes[at + 16..<at + 48]),
                      aesKey: Array(bytes[at + 48..<at + 80]))
        }
    }

    /// SSL_CTX_set_tlsext_ticket_key_evp_cb's work: with `encrypt`, choose
    /// the first key and a fresh IV; otherwise find the ticket's key by
    /// name. 1: done; 2: done, but issue a new ticket (an older key was
    /// used); 0: no such key (a full handshake follows); -1: failure.
    func apply(name: UnsafeMutablePointer<UInt8>, iv: UnsafeMutablePointer<UInt8>, cipher: OpaquePointer,
               mac: OpaquePointer, encrypt: Bool) -> Int32 {
        let index: Int
        if encrypt {
            index = 0
            name.update(from: keys[0].name, count: 16)
            guard RAND_bytes(iv, 16) == 1 else { return -1 }
        } else {
            let wanted = UnsafeBufferPointer(start: name, count: 16)
            guard let found = keys.firstIndex(where: { $0.name.elementsEqual(wanted) }) else { return 0 }
            index = found
        }
        let key = keys[index]
        let initialized = key.aesKey.withUnsafeBufferPointer { aes in
            encrypt ? EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), nil, aes.baseAddress, iv)
                    : EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), nil, aes.baseAddress, iv)
        }
        guard initialized == 1, setHMAC(mac, key.hmacSecret) else { return -1 }
        return !encrypt && index > 0 ? 2 : 1
    }

    /// An OSSL_PARAM keeps pointers to its name and value until
    /// EVP_MAC_CTX_set_params reads them, so both live in buffers held across
    /// that call (a String passed for a C string lives only for the one call
    /// it is passed to: AddressSanitizer saw OpenSSL read the freed names).
    private func setHMAC(_ mac: OpaquePointer, _ secret: [UInt8]) -> Bool {
        var secret = secret
        var digest = Array("SHA256".utf8CString)
        let digestName = Array("digest".utf8CString), keyName = Array("key".utf8CString)
        return digestName.withUnsafeBufferPointer { digestName in
            keyName.withUnsafeBufferPointer { keyName in
                secret.withUnsafeMutableBytes { s in
                    digest.withUnsafeMutableBufferPointer { d in
                        var params = [
                            OSSL_PARAM_construct_utf8_string(digestName.baseAddress, d.baseAddress, 0),
                            OSSL_PARAM_construct_octet_string(keyName.baseAddress, s.baseAddress, s.count),
                            OSSL_PARAM_construct_end(),
                        ]
                        return EVP_MAC_CTX_set_params(mac, &params) == 1
                    }
                }
            }
        }
    }
}
