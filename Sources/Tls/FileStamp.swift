// Files named by options: readable-or-a-clear-error, and a stamp (inode, size,
// modification and change times) so caches notice when a file changes.
import Glibc

enum FileStamp {
    static func of(_ path: String) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { return "\(path)#missing" }
        // The change time too: `cp -p` or Tcl's `file copy` over a file of
        // the same size may keep the inode and set a whole-second mtime that
        // equals the old one; no one can set the change time.
        return "\(path)#\(st.st_ino):\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec):\(st.st_ctim.tv_sec).\(st.st_ctim.tv_nsec)"
    }

    /// Throws Tcl's usual `couldn't open "path": reason` unless the file can be read.
    static func requireReadable(_ path: String) throws {
        if access(path, R_OK) != 0 {
            let reason = String(cString: strerror(errno)).lowercased()
            throw TclError("couldn't open \"\(path)\": \(reason)", errorCode: ["POSIX", "ENOENT", reason])
        }
    }
}

enum Environment {
    static func get(_ name: String) -> String? {
        guard let v = getenv(name) else { return nil }
        let s = String(cString: v)
        return s.isEmpty ? nil : s
    }
}
