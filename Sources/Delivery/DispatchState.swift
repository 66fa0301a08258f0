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
    /// New deliveries and results not yet committed: they go with the next
    /// group commit (and are kept when a commit fails).
    var unwritten = StoreBatch()
    /// Positions in `unwritten.inserts` of `submit` calls.
    var unwrittenWaited: [Range<Int>] = []
    /// `submit` and `flush` callers waiting for the next commit.
    var unwrittenWaiters: [CheckedContinuation<Void, any Error>] = []
    /// The group commit under way, at most one.
    var committing: CommitFlight?
    /// After a failed commit, no commit is tried before this monotonic time.
    var commitRetryAt: Int64 = 0
    /// SQLite: per target, how much of its due deliveries is known to be
    /// loaded (`QueueMark`), as the last refill found. A refill then reads
    /// only past that point, or nothing at all. Anything that can make an
    /// older delivery due (a retry's time, a finished delivery's successor,
    /// an attempt cut off, an admin change or a reload, and once a second
    /// regardless) drops a target's mark (`dropMarks`): its next refill
    /// reads from the start.
    private(set) var marks: [String: QueueMark] = [:]
    /// Counts the drops: a commit planned before one sets no marks when it
    /// lands (what it read may predate what made older deliveries due).
    private(set) var marksEpoch = 0
    /// The highest queue position loaded per target.
    var highestLoaded: [String: Int64] = [:]
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
    /// Deliveries removed so far by the retention pass under way (nil: none).
    var pruned: Int?
    var storeFailing = false
    var stopDeadline: Int64?
    var cancelled = false
    var done = false
    var metrics = DeliveryMetrics()
    /// Targets with pending deliveries that the current rules do not define
    /// (warned about once; their deliveries wait, see `Dispatcher+Orphans`).
    var orphanedTargets: Set<String> = []

    /// Loaded deliveries per target: four times its concurrency, at least
    /// 32. Refills come with the group commits; with 2× P3 was
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

    /// Forgets what is known to be loaded, of `target` or of all.
    mutating func dropMarks(_ target: String? = nil) {
        marksEpoch += 1
        if let target { marks[target] = nil } else { marks = [:] }
    }

    /// Records what a refill found (`Dispatcher+Commit.swift`).
    mutating func setMark(_ mark: QueueMark?, _ target: String) {
        marks[target] = mark
    }

    /// Takes what the inbox handed over into the next commit.
    mutating func hold(_ inserts: [Delivery], waited: [Range<Int>], waiters: [CheckedContinuation<Void, any Error>]) {
        let offset = unwritten.inserts.count
        unwrittenWaited.append(contentsOf: waited.map { ($0.lowerBound + offset)..<($0.upperBound + offset) })
        unwritten.inserts.append(contentsOf: inserts)
        unwrittenWaiters.append(contentsOf: waiters)
    }

    /// Whether a commit has anything to write or anyone to answer.
    var hasUnwritten: Bool { !unwritten.isEmpty || !unwrittenWaiters.isEmpty }

    /// Loads deliveries read as due for `target`, in order, up to its
    /// window; any already loaded is skipped. Returns whether all fitted,
    /// and the position of the last one loaded.
    @discardableResult
    mutating func take(_ rows: [Delivery], target: String, window: Int) -> (fitted: Bool, last: Int64?) {
        var count = loaded[target, default: 0]
        var fitted = true
        var last: Int64?
        for d in rows {
            if let seq = d.seq, loadedSeqs.contains(seq) { continue }
            guard count < window else {
                fitted = false
                break
            }
            if let seq = d.seq {
                loadedSeqs.insert(seq)
                last = seq
                if seq > highestLoaded[target, default: 0] { highestLoaded[target] = seq }
            }
            ready[target, default: []].append(d)
            count += 1
        }
        loaded[target] = count
        return (fitted, last)
    }

    mutating func unload(_ d: Delivery) {
        if let seq = d.seq { loadedSeqs.remove(seq) }
        loaded[d.target, default: 1] -= 1
    }
}
