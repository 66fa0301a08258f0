import Synchronization

/// Running totals of the dispatcher since start, readable from any thread (the demo's
/// summary line, metrics).
public final class DeliveryStats: Sendable {
    let queuedCount = Atomic<Int>(0)
    let deliveredCount = Atomic<Int>(0)
    let deadCount = Atomic<Int>(0)
    let attemptCount = Atomic<Int>(0)
    let pendingCount = Atomic<Int>(0)
    let deadInQueue = Atomic<Int>(0)

    public init() {}

    public var queued: Int { queuedCount.load(ordering: .relaxed) }
    public var delivered: Int { deliveredCount.load(ordering: .relaxed) }
    public var dead: Int { deadCount.load(ordering: .relaxed) }
    public var attempts: Int { attemptCount.load(ordering: .relaxed) }
    /// Queued and not yet delivered or dead (read from the queue every few seconds).
    public var pending: Int { pendingCount.load(ordering: .relaxed) }
    /// Dead deliveries kept in the queue.
    public var deadQueued: Int { deadInQueue.load(ordering: .relaxed) }
}
