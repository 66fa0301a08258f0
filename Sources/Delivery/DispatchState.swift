/// What the dispatcher's loop keeps between rounds. Bounded: at most a
/// window of deliveries per target is loaded at once.
struct DispatchState {
    var gates: [String: TargetGate] = [:]
    /// Loaded deliveries not yet started, per target, in queue order.
    var ready: [String: [Delivery]] = [:]
    /// Loaded (ready or in flight) per target.
    var loaded: [String: Int] = [:]
    var loadedSeqs: Set<Int64> = []
    var inFlight = 0
    /// Results not yet committed (kept when a commit fails).
    var unwritten = StoreBatch()
    /// Something changed that may make more deliveries due.
    var dirty = true
    /// Targets with pending deliveries, as last read from the queue.
    var pendingTargets: Set<String> = []
    /// Earliest future `next_attempt_at` known (epoch ms).
    var nextDue: Int64?
    /// Monotonic times of the last housekeeping steps ("long ago" at start).
    var lastScan: Int64 = -(1 << 62)
    var lastCount: Int64 = -(1 << 62)
    var lastPrune: Int64 = -(1 << 62)
    var storeFailing = false
    var stopDeadline: Int64?
    var cancelled = false
    var done = false
    var metrics = DeliveryMetrics()
    /// Targets with pending deliveries that the current rules do not define
    /// (warned about once; their deliveries wait, see `Dispatcher+Orphans`).
    var orphanedTargets: Set<String> = []

    /// Loaded deliveries per target: four times its concurrency, at least
    /// 32. Refills come with the rounds (commit, due read); with 2× P3 was
    /// 7-16 % lower, with 8× 6-7 % lower (docs/benchmarks.md).
    static func window(concurrency: Int) -> Int { max(32, 4 * concurrency) }

    /// A settled delivery frees its slot at once but stays in `loadedSeqs`
    /// until its outcome is committed (`committed(_:)`): a load in between
    /// would otherwise find it still pending and send it again.
    mutating func release(_ d: Delivery) {
        loaded[d.target, default: 1] -= 1
    }

    /// The outcomes of this batch are written: their deliveries may be
    /// loaded again (a retry, a `queue retry`).
    mutating func committed(_ batch: StoreBatch) {
        for o in batch.outcomes { if let seq = o.seq { loadedSeqs.remove(seq) } }
    }

    mutating func unload(_ d: Delivery) {
        if let seq = d.seq { loadedSeqs.remove(seq) }
        loaded[d.target, default: 1] -= 1
    }
}
