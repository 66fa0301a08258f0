import Calls
import Feeds
import RuleEngine

extension Pipeline {
    /// Processes a whole ingest batch in order, through the same tracker as
    /// the configured source, and returns once every request it caused is
    /// committed to the queue (one write for the batch). False when the
    /// requests could not be queued (the daemon is shutting down).
    ///
    /// The engine runs the batch without suspending, so no other source's
    /// event lands between two events of one batch. Events parked behind a
    /// caller lookup are handled when it answers; the batch returns after
    /// them too.
    public func ingest(_ events: [SourceEvent]) async -> Bool {
        let unqueuedBefore = stats.unqueuedCount.load(ordering: .relaxed)
        collecting = []
        for event in events { await receive(event) }
        let requests = collecting ?? []
        collecting = nil
        if !requests.isEmpty { await commit(requests) }
        // Events parked behind a caller lookup are handled when it answers
        // (within its `timeout`); the batch is acknowledged after their
        // requests are committed too.
        var calls = Set<String>()
        for case .call(let call, _) in events { calls.insert(call.uuid) }
        if calls.contains(where: { lookups.parked[$0] != nil }) {
            await waitForLookups(of: calls)
            guard await flush() else { return false }
        }
        return stats.unqueuedCount.load(ordering: .relaxed) == unqueuedBefore
    }
}
