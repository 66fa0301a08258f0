import AsyncAlgorithms
import Calls
import Curl
import Logging
import RuleEngine
import ServiceLifecycle
import Synchronization

/// Sends queued deliveries to their targets (runtime.md, "Delivery").
///
/// `submit` writes requests to the durable queue and returns once they are
/// committed; `enqueue` returns at once. One loop does everything else on
/// each wake-up: apply the results that came back (`RetryPolicy` decides
/// what they mean), start what each target's limits allow, and start the
/// next group commit (everything that changed since the last one, in one
/// transaction) when none is under way. It does not wait for commits: one
/// lands in a later round with the refills read in it.
///
/// Memory stays bounded: per target at most `window` deliveries are loaded,
/// the rest wait in the queue.
public final class Dispatcher: Service {
    public let stats = DeliveryStats()
    let store: any DeliveryStore
    let sender: DeliverySender
    let logger: Logger
    /// `User-Agent` of every request: `callhook/VERSION`, made once.
    let userAgent: String
    let targets: Mutex<[String: Target]>
    let inbox = Mutex(Inbox())
    let wakes: AsyncStream<Void>
    let wakeContinuation: AsyncStream<Void>.Continuation
    /// Monotonic nanoseconds at which the ticker wakes the loop.
    let wakeAt = Atomic<Int64>(0)
    let stopping = Atomic<Bool>(false)
    /// The queue or the targets changed from outside the loop: every
    /// target's next refill reads the queue.
    let queueTouched = Atomic<Bool>(false)
    /// Monotonic and wall time and jitter: every reading of time goes through it.
    let clock: PipelineClock
    /// The wall clock (ms) and the monotonic clock (ns), read together at start.
    let wallAnchor: Int64
    let monotonicAnchor: Int64
    /// How long in-flight requests get at shutdown.
    public let shutdownGrace: Duration
    /// How long delivered and dead deliveries are kept.
    public let retention: Duration

    /// Why `submit` did not queue requests.
    public enum SubmitError: Error, CustomStringConvertible {
        /// Shutdown began; the requests were not queued.
        case stopping
        /// The queue could not be written.
        case store(String)

        public var description: String {
            switch self {
            case .stopping: "callhook is shutting down; the requests were not queued"
            case .store(let reason): "the delivery queue could not be written: \(reason)"
            }
        }
    }

    /// Requests on their way, by delivery `seq`, to cancel at shutdown.
    let inFlightHandles = Mutex(InFlightRequests())

    /// What the loop has not looked at yet.
    struct Inbox {
        /// New deliveries in submission order, committed with the next round.
        var inserts: [Delivery] = []
        /// Positions in `inserts` of `submit` calls (they wait for the commit
        /// and submit again when it fails); the rest came from `enqueue` and
        /// are kept until a commit succeeds.
        var waited: [Range<Int>] = []
        var waiters: [CheckedContinuation<Void, any Error>] = []
        var finished: [Finished] = []
        /// The group commit under way finished (`launchCommit`).
        var landed: Result<CommitLanding, any Error>?
        var closed = false
        /// Deliveries handed in and not yet committed (in the inbox, in the
        /// commit under way, or kept after a failed one): the bound of
        /// `enqueue`.
        var uncommitted = 0
        /// `enqueue` calls waiting for room, by ticket.
        var roomWaiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
        var nextTicket: UInt64 = 0
    }

    /// At most this many deliveries wait for their commit; `enqueue` waits
    /// beyond it (back-pressure to the source).
    public let maxUncommitted: Int

    public convenience init(
        store: any DeliveryStore, client: HTTPClient, targets: [String: Target], version: String, logger: Logger,
        retention: Duration = .seconds(7 * 86400), shutdownGrace: Duration = .seconds(10), clock: PipelineClock = .system
    ) {
        self.init(
            store: store, sender: .client(client), targets: targets, version: version, logger: logger, retention: retention,
            shutdownGrace: shutdownGrace, clock: clock)
    }

    public init(
        store: any DeliveryStore, sender: DeliverySender, targets: [String: Target], version: String, logger: Logger,
        retention: Duration = .seconds(7 * 86400), shutdownGrace: Duration = .seconds(10), clock: PipelineClock = .system,
        maxUncommitted: Int = 4096
    ) {
        self.maxUncommitted = max(1, maxUncommitted)
        self.clock = clock
        self.wallAnchor = clock.wallMilliseconds
        self.monotonicAnchor = clock.monotonicNanoseconds()
        self.store = store
        self.retention = retention
        self.shutdownGrace = shutdownGrace
        self.sender = sender
        self.logger = logger
        self.userAgent = "callhook/\(version)"
        self.targets = Mutex(targets)
        (wakes, wakeContinuation) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Replaces the target definitions (after a rules reload). Queued
    /// deliveries use the new definitions from their next attempt on.
    public func updateTargets(_ t: [String: Target]) {
        targets.withLock { $0 = t }
        queueTouched.store(true, ordering: .relaxed)
        wake()
    }

    /// Queues requests; returns once they are committed to the queue.
    public func submit(_ requests: [RenderedRequest]) async throws {
        guard !requests.isEmpty else { return }
        guard !stopping.load(ordering: .relaxed) else { throw SubmitError.stopping }
        let now = epochMillis()
        let deliveries = requests.map { Delivery($0, now: now) }
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            let accepted = inbox.withLock { box -> Bool in
                guard !box.closed else { return false }
                box.waited.append(box.inserts.count..<(box.inserts.count + deliveries.count))
                box.inserts.append(contentsOf: deliveries)
                box.uncommitted += deliveries.count
                box.waiters.append(c)
                return true
            }
            if accepted { wake() } else { c.resume(throwing: SubmitError.stopping) }
        }
        stats.queuedCount.add(deliveries.count, ordering: .relaxed)
        stats.pendingCount.add(deliveries.count, ordering: .relaxed)
    }

    func wake() { wakeContinuation.yield() }

    /// Milliseconds since the epoch as the dispatcher schedules by: the wall
    /// clock read once at start, advanced by monotonic time. Stored times
    /// (`next_attempt_at`, attempt stamps) use it, so a wall-clock step while
    /// callhook runs moves no retry; the next start reads the wall clock anew.
    func epochMillis() -> Int64 { wallAnchor + (monotonic() - monotonicAnchor) / 1_000_000 }

    /// Monotonic nanoseconds (intervals, deadlines, the breaker).
    func monotonic() -> Int64 { clock.monotonicNanoseconds() }

    /// A value in [0, 1) for the retry jitter.
    func random() -> Double { clock.random() }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                group.addTask { await self.tick() }
                var state = DispatchState()
                await self.round(&state, group: &group)
                for await _ in wakes {
                    await self.round(&state, group: &group)
                    if state.done { break }
                }
                // Cancelled (not a graceful shutdown): whoever still waits
                // for a commit learns that its requests may not be queued.
                for w in state.unwrittenWaiters + (state.committing?.waiters ?? []) {
                    w.resume(throwing: SubmitError.stopping)
                }
                group.cancelAll()
            }
            self.closeInbox()
            let left = (try? await store.depth())?.pending ?? 0
            if left > 0 {
                logger.notice("stopped; deliveries stay queued for the next start", metadata: ["pending": "\(left)"])
            }
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .relaxed)
            self.wake()
        }
    }

    /// Wakes the loop at `wakeAt`, looking every 25 ms (so a deadline is
    /// met within that). It runs on through the shutdown grace period (the
    /// drain needs its deadline) and ends when the loop's task group is
    /// cancelled.
    private func tick() async {
        for await _ in AsyncTimerSequence.repeating(every: .milliseconds(25)) {
            if monotonic() >= wakeAt.load(ordering: .relaxed) {
                wakeAt.store(.max, ordering: .relaxed)
                wake()
            }
        }
    }
}
