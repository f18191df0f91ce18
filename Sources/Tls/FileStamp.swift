// Files named by options: readable-or-a-clear-error, and a stamp (inode, size,
// modification time) so caches notice when a file changes.
import Glibc

enum FileStamp {
    static func of(_ path: String) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { return "\(path)#missing" }
        return "\(path)#\(st.st_ino):\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
    }

    /// Throws Tcl's usual `couldn't open "path": reason` unless the file can be read.
    static func requireReadable(_ path: String) throws {
        if access(path, R_OK) != 0 {
            let reason = String(cString: strerror(errno)).lowercased()
            throw TclError("couldn't open \"\(path)\": \(reason)", errorCode: ["POSIX", "ENOENT", reason])
        }
    }

    /// Like requireReadable, and the path must be a directory (`directory`)
    /// or not one, as `option` expects; the message names the option
    /// (`sibling`) that takes the other kind.
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
