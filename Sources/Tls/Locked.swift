// A value guarded by a pthread mutex: the lock behind every piece of state
// that threads share. (Synchronization's Mutex would do the same job, but on
// Linux it waits on a futex directly, which race detectors — helgrind, drd,
// ThreadSanitizer — cannot see; they would report every access it guards.)
import Glibc

final class Locked<Value>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    init(_ value: Value) {
        self.value = value
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
