// The work a channel hands to its thread's event loop. Each pending job holds
// the channel alive (a counted reference, taken when it is scheduled) and
// gives that reference back exactly once: when it fires or when it is
// cancelled. close, tls::unimport and a move to another thread cancel every
// job; a job that fires asks the channel's stage before it acts.
@preconcurrency import CTcl
import Glibc

enum DeferredJob: CaseIterable {
    /// Decrypted data waits inside OpenSSL, where the notifier cannot see
    /// it: tell a script that watches for readable (a 0 ms timer).
    case readableNotice
    /// A half-close may be finished once the current event is over (an
    /// idle call).
    case halfCloseCheck
    /// The handshake has not completed in time (-handshaketimeout).
    case handshakeDeadline
    /// A callback's script closed the channel inside Tcl's operation: the
    /// reference that kept it open is given back (ChannelHold.swift).
    case releaseHold
    /// The encoding kept while a callback ran inside Tcl's operation is
    /// given back (ChannelHold.swift): an idle call, after that operation.
    case releaseEncoding
}

/// One scheduled job. Tcl holds one reference to it (its client data) while
/// it is pending; it holds the channel.
private final class PendingJob {
    let channel: TlsChannel
    let job: DeferredJob
    /// The timer's token; nil for an idle call.
    var timer: Tcl_TimerToken?

    init(_ channel: TlsChannel, _ job: DeferredJob) {
        self.channel = channel
        self.job = job
    }
}

/// A channel's pending jobs: at most one of each kind, all on the thread
/// that holds the channel. One slot per kind, stored inline: an idle
/// connection holds no table (a dictionary kept its storage, 96 bytes per
/// connection, after its first job).
struct DeferredWork {
    private var readableNotice: PendingJob?
    private var halfCloseCheck: PendingJob?
    private var handshakeDeadline: PendingJob?
    private var releaseHold: PendingJob?
    private var releaseEncoding: PendingJob?

    private subscript(_ job: DeferredJob) -> PendingJob? {
        get {
            switch job {
            case .readableNotice: return readableNotice
            case .halfCloseCheck: return halfCloseCheck
            case .handshakeDeadline: return handshakeDeadline
            case .releaseHold: return releaseHold
            case .releaseEncoding: return releaseEncoding
            }
        }
        set {
            switch job {
            case .readableNotice: readableNotice = newValue
            case .halfCloseCheck: halfCloseCheck = newValue
            case .handshakeDeadline: handshakeDeadline = newValue
            case .releaseHold: releaseHold = newValue
            case .releaseEncoding: releaseEncoding = newValue
            }
        }
    }

    func isPending(_ job: DeferredJob) -> Bool { self[job] != nil }

    /// Schedules `job` for `channel` after `ms` milliseconds, or when the
    /// event loop is next idle (nil); nothing if it is pending already or
    /// the channel is closed.
    mutating func schedule(_ job: DeferredJob, for channel: TlsChannel, afterMs ms: Int?) {
        guard self[job] == nil, !channel.isClosed else { return }
        let p = PendingJob(channel, job)
        let data = Unmanaged.passRetained(p).toOpaque()
        if let ms {
            p.timer = tcl.pointee.tcl_CreateTimerHandler!(Int32(clamping: ms), jobTimerFired, data)
        } else {
            tcl.pointee.tcl_DoWhenIdle!(jobIdleFired, data)
        }
        self[job] = p
    }

    mutating func cancel(_ job: DeferredJob) {
        guard let p = self[job] else { return }
        self[job] = nil
        let data = Unmanaged.passUnretained(p).toOpaque()
        if let timer = p.timer {
            tcl.pointee.tcl_DeleteTimerHandler!(timer)
        } else {
            tcl.pointee.tcl_CancelIdleCall!(jobIdleFired, data)
        }
        Unmanaged<PendingJob>.fromOpaque(data).release()  // Tcl's reference
    }

    mutating func cancelAll() {
        for job in DeferredJob.allCases { cancel(job) }
    }

    /// The job fired: it is no longer pending. False if it is not the
    /// pending one (cannot happen while cancel removes it from Tcl too).
    fileprivate mutating func remove(_ p: PendingJob) -> Bool {
        guard self[p.job] === p else { return false }
        self[p.job] = nil
        return true
    }
}

private func jobFired(_ data: ClientData?) {
    let p = Unmanaged<PendingJob>.fromOpaque(data!).takeRetainedValue()  // Tcl's reference, given back
    guard p.channel.deferred.remove(p) else { return }
    p.channel.perform(p.job)
}

private func jobTimerFired(_ data: ClientData?) { jobFired(data) }
private func jobIdleFired(_ data: ClientData?) { jobFired(data) }

/// Milliseconds on a clock that only moves forward (deadlines).
enum MonotonicClock {
    static var milliseconds: Int {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return ts.tv_sec * 1000 + ts.tv_nsec / 1_000_000
    }
    static var nanoseconds: UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}
