import Synchronization

/// Counters of the pipeline for the live summary and, later, metrics.
public final class PipelineStats: Sendable {
    let eventsCount = Atomic<Int>(0)
    let callsCount = Atomic<Int>(0)
    let phasesCount = Atomic<Int>(0)
    let matchesCount = Atomic<Int>(0)
    let connectedFlag = Atomic<Bool>(false)
    let sourceErrorsCount = Atomic<Int>(0)
    let unqueuedCount = Atomic<Int>(0)
    let reconnectsCount = Atomic<Int>(0)

    public init() {}

    /// Raw events received from the source.
    public var events: Int { eventsCount.load(ordering: .relaxed) }
    /// Distinct call legs seen.
    public var calls: Int { callsCount.load(ordering: .relaxed) }
    /// Phases fired.
    public var phases: Int { phasesCount.load(ordering: .relaxed) }
    /// Rule matches.
    public var matches: Int { matchesCount.load(ordering: .relaxed) }
    public var connected: Bool { connectedFlag.load(ordering: .relaxed) }
    public var sourceErrors: Int { sourceErrorsCount.load(ordering: .relaxed) }
    /// Times the source's call stream was lost.
    public var reconnects: Int { reconnectsCount.load(ordering: .relaxed) }
    /// Requests that could not be written to the queue (shutdown, a queue error).
    public var unqueued: Int { unqueuedCount.load(ordering: .relaxed) }
}
