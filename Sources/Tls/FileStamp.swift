// Files named by options: readable-or-a-clear-error, and a stamp (path,
// inode, size, modification and change times) so caches keyed by it notice
// when a file changes and load it again.
import Glibc

struct FileStamp: Hashable {
    let path: String
    /// inode, size, mtime and ctime (seconds, nanoseconds); nil when stat fails.
    /// The change time too: `cp -p` or Tcl's `file copy` over a file of the
    /// same size may keep the inode and set a whole-second mtime equal to the
    /// old one; no one can set the change time. (A struct, not an array:
    /// stamps are made on every tls::import and must not allocate.)
    private struct Identity: Hashable {
        let inode, size, mtime, mtimeNanos, ctime, ctimeNanos: Int
    }
    private let identity: Identity?

    init(_ path: String) {
        self.path = path
        var st = stat()
        identity = stat(path, &st) == 0
            ? Identity(inode: Int(st.st_ino), size: Int(st.st_size), mtime: st.st_mtim.tv_sec,
                       mtimeNanos: st.st_mtim.tv_nsec, ctime: st.st_ctim.tv_sec, ctimeNanos: st.st_ctim.tv_nsec)
            : nil
    }

    /// Throws Tcl's usual `couldn't open "path": reason` unless the file can be read.
    func requireReadable() throws { try FileStamp.requireReadable(path) }

    /// The file's bytes, or Tcl's usual error.
    func contents() throws -> [UInt8] {
        guard let f = fopen(path, "rb") else { throw FileStamp.openError(path) }
        defer { fclose(f) }
        var data: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = fread(&chunk, 1, chunk.count, f)
            if n <= 0 { break }
            data += chunk[0..<n]
        }
        return data
    }

    static func requireReadable(_ path: String) throws {
        if access(path, R_OK) != 0 { throw openError(path) }
    }

    /// Tcl's wording, for errno.
    private static func openError(_ path: String) -> TclError {
        let reason = String(cString: strerror(errno)).lowercased()
        return TclError("couldn't open \"\(path)\": \(reason)", errorCode: ["POSIX", "ENOENT", reason])
    }

    /// Like requireReadable, and the path must be a directory (`directory`)
    /// or not one, as `option` expects; the message names the option
    /// (`sibling`) that takes the other kind.
    func requireReadable(option: String, directory: Bool, sibling: String) throws {
        try FileStamp.requireReadable(path, option: option, directory: directory, sibling: sibling)
    }

    static func requireReadable(_ path: String, option: String, directory: Bool, sibling: String) throws {
        try requireReadable(path)
        var st = stat()
        guard stat(path, &st) == 0 else { return }
        let isDirectory = st.st_mode & S_IFMT == S_IFDIR
        if isDirectory == directory { return }
        let what = directory ? "not a directory (a file goes with \(sibling))" : "a directory (a directory goes with \(sibling))"
        throw TclError("bad \(option) \"\(path)\": \(what)")
    }
}

enum Environment {
    static func get(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        let s = String(cString: v)
        return s.isEmpty ? nil : s
    }
}
