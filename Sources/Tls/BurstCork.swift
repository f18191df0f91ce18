// TCP_CORK for a fast stream of writes. With TCP_NODELAY (the default of
// tls::socket) every record leaves as its own TCP segment, and a loop of
// 4 KiB writes (Tcl's default buffer) pays a segment, and a wake-up of the
// reader, per 4 KiB. Once one burst of writes (no read from below, no return
// to the event loop, no pause of a millisecond in between) has passed
// `threshold` bytes, the socket is corked: the kernel sends full segments
// only. It is uncorked, which sends what it holds at once, as soon as the
// burst ends: the channel reads from below (a request waits for its answer),
// the event loop goes idle, the channel closes, or the next write comes after
// a pause. Small exchanges (a request and its answer, headers then a body)
// never reach the threshold and are never held. What a script writes in a
// burst and then neither reads, nor closes, nor returns to the event loop
// after, the kernel holds at most 200 ms (its limit for TCP_CORK).
@preconcurrency import CTcl
import Glibc

final class BurstCork {
    /// Bytes a burst writes uncorked; beyond them the socket is corked.
    static let threshold = 16384
    /// A pause longer than this ends a burst.
    static let pauseNanoseconds: UInt64 = 1_000_000

    private let parent: Tcl_Channel
    /// The TCP socket's descriptor, looked up when first needed; nil when
    /// there is none (then nothing happens).
    private lazy var fd: Int32? = NoDelay.get(parent) == nil ? nil : ParentChannel.descriptor(parent)
    private var burstBytes = 0
    private var lastWrite: UInt64 = 0
    private(set) var corked = false
    /// The idle call that ends the burst holds a reference to self.
    private var idleScheduled = false

    init(parent: Tcl_Channel) { self.parent = parent }

    /// Before `count` bytes go to the socket: corks when the burst has
    /// become a stream.
    func willWrite(_ count: Int) {
        let now = BurstCork.now()
        if now &- lastWrite > BurstCork.pauseNanoseconds { endBurst() }
        lastWrite = now
        if !corked && burstBytes >= BurstCork.threshold { setCork(true) }
        burstBytes += count
    }

    /// The burst is over: anything held leaves now.
    func endBurst() {
        burstBytes = 0
        if corked { setCork(false) }
        if idleScheduled {
            idleScheduled = false
            let me = Unmanaged.passUnretained(self)
            tcl.pointee.tcl_CancelIdleCall!(burstIdle, me.toOpaque())
            me.release()
        }
    }

    private func setCork(_ on: Bool) {
        guard let fd else { return }
        var value: Int32 = on ? 1 : 0
        guard setsockopt(fd, Int32(IPPROTO_TCP), TCP_CORK, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else { return }
        corked = on
        if on && !idleScheduled {
            idleScheduled = true
            tcl.pointee.tcl_DoWhenIdle!(burstIdle, Unmanaged.passRetained(self).toOpaque())
        }
    }

    fileprivate func idle() {
        idleScheduled = false
        endBurst()
    }

    private static func now() -> UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) &* 1_000_000_000 &+ UInt64(t.tv_nsec)
    }
}

private func burstIdle(_ cd: ClientData?) {
    let cork = Unmanaged<BurstCork>.fromOpaque(cd!).takeRetainedValue()
    cork.idle()
}
