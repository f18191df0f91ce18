// The sessions a client context remembers for resumption via -model: the
// latest one per server name, at most `limit` names (the least recently
// used is forgotten first), each dropped once its own timeout has passed.
// A client that talks to many hosts over a long life keeps a bounded set.
//
// Shared by every thread that makes connections from the context, guarded
// by its lock. Each SSL_SESSION* held here owns one reference, dropped when
// the entry is replaced, evicted, expires, or the cache goes.
import COpenSSL
import Glibc

final class ClientSessionCache: @unchecked Sendable {
    static let defaultLimit = 256

    private struct Entry {
        let session: OpaquePointer
        /// Seconds since the epoch after which the session is not offered.
        let expires: Int
        var lastUse: UInt64
    }
    private struct State {
        var entries: [String: Entry] = [:]
        var clock: UInt64 = 0
    }
    private let state = Locked(State())
    private let limit: Int

    init(limit: Int = ClientSessionCache.defaultLimit) { self.limit = limit }

    deinit {
        state.withLock { for e in $0.entries.values { SSL_SESSION_free(e.session) } }
    }

    /// Remembers `session` (taking a reference) as the one to resume for `name`.
    func remember(_ session: OpaquePointer, for name: String) {
        guard SSL_SESSION_is_resumable(session) == 1 else { return }
        SSL_SESSION_up_ref(session)
        let expires = Int(SSL_SESSION_get_time(session)) + Int(SSL_SESSION_get_timeout(session))
        let now = time(nil)
        var dropped: [OpaquePointer] = []
        state.withLock { s in
            s.clock += 1
            if let old = s.entries.updateValue(Entry(session: session, expires: expires, lastUse: s.clock), forKey: name) {
                dropped.append(old.session)
            }
            guard s.entries.count > limit else { return }
            // Full: the expired go first, then the least recently used.
            for (k, e) in s.entries where e.expires <= now {
                dropped.append(e.session)
                s.entries[k] = nil
            }
            while s.entries.count > limit, let lru = s.entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                dropped.append(lru.value.session)
                s.entries[lru.key] = nil
            }
        }
        for s in dropped { SSL_SESSION_free(s) }
    }

    /// A copy of the session to offer when connecting to `name`, if one is
    /// remembered and has not expired; the caller frees it. (OpenSSL marks
    /// a TLS 1.3 session as used, so each connection gets its own copy.)
    func sessionCopy(for name: String) -> OpaquePointer? {
        let now = time(nil)
        var expired: OpaquePointer?
        let copy: OpaquePointer? = state.withLock { s in
            guard let e = s.entries[name] else { return nil }
            if e.expires <= now {
                expired = e.session
                s.entries[name] = nil
                return nil
            }
            s.clock += 1
            s.entries[name]!.lastUse = s.clock
            return SSL_SESSION_dup(e.session)
        }
        if let expired { SSL_SESSION_free(expired) }
        return copy
    }

    /// How many names have a session (for the soak's figures).
    var count: Int { state.withLock { $0.entries.count } }
}
