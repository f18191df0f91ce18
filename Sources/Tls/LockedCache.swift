// A small cache shared by every thread of the process, guarded by a mutex:
// what is expensive to make and safe to share (an SSL_CTX, an X509_STORE)
// is made once per configuration, whichever thread asks first. The key is
// the whole configuration the value is made from.
final class LockedCache<Key: Hashable, Value: AnyObject>: @unchecked Sendable {
    private let entries = Locked<[Key: Value]>([:])
    /// Past this many entries the cache starts over (configurations are few).
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    /// The value for `key`, made by `make` when missing. `make` runs outside
    /// the lock (building a context takes milliseconds); when two threads
    /// make the same value at once, the first one stored wins and both get it.
    func value(for key: Key, make: () throws -> Value) rethrows -> Value {
        if let known = entries.withLock({ $0[key] }) { return known }
        let made = try make()
        // Values that lose their place are released after the lock is let go.
        var evicted: [Key: Value] = [:]
        let result: Value = entries.withLock { d in
            if let known = d[key] { return known }
            if d.count >= limit { swap(&evicted, &d) }
            d[key] = made
            return made
        }
        withExtendedLifetime(evicted) {}
        return result
    }
}
