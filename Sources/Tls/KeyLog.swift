// SSLKEYLOGFILE: key material appended in NSS key log format (OpenSSL already
// formats the lines: CLIENT_RANDOM for TLS 1.2, the traffic secrets for 1.3),
// so Wireshark can decrypt captures.
import COpenSSL
import Glibc

enum KeyLog {
    static func install(on ctx: OpaquePointer) {
        SSL_CTX_set_keylog_callback(ctx, keyLogLine)
    }
}

private func keyLogLine(_ ssl: OpaquePointer?, _ line: UnsafePointer<CChar>?) {
    guard let line, let path = Environment.get("SSLKEYLOGFILE") else { return }
    let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else { return }
    defer { Glibc.close(fd) }
    var text = Array(UnsafeBufferPointer(start: line, count: strlen(line)).map { UInt8(bitPattern: $0) })
    text.append(0x0A)
    _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
}
