import Calls
import Lookup
import RuleEngine
import ServiceLifecycle

extension Pipeline {
    /// Parks a call event behind its call's lookup: the first event of a
    /// call with an external remote party hands the lookup to `runLookups`,
    /// and it and the call's later events wait (in order) until the result
    /// is in. Other calls go on meanwhile. Returns true when parked; false
    /// when there is nothing to look up, or lookups have stopped (shutdown):
    /// then the event goes on with the number only.
    func park(_ call: CallEvent, arrival: EventTime) -> Bool {
        if lookups.parked[call.uuid] != nil {
            lookups.parked[call.uuid]?.append((call, arrival))
            return true
        }
        guard let service = lookups.service, let number = engine.lookupCandidate(call) else { return false }
        let n = LookupNumber(e164: number.e164, digits: number.digits, national: number.national)
        guard case .enqueued = lookups.requests.yield(.init(callID: call.uuid, number: n, service: service)) else {
            return false
        }
        lookups.parked[call.uuid] = [(call, arrival)]
        return true
    }

    /// Runs the lookups `park` hands over, each in a child task of this
    /// service's own task group, until graceful shutdown. Then it starts no
    /// more, and returns once those in flight have answered or timed out
    /// (each within its `timeout`) and their calls' parked events are
    /// handled and queued; the dispatcher is listed before this service, so
    /// it still takes them. Cancelled, each lookup ends at once as
    /// unavailable and the events go on with the number only. Last, the
    /// lookup service's own requests still running (a late answer fills
    /// the cache) are cancelled and waited for.
    public func runLookups() async {
        let (requests, input) = (lookups.pending, lookups.requests)
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await request in requests {
                    group.addTask {
                        let outcome = await request.service.lookup(request.number)
                        await self.resume(callID: request.callID, outcome: outcome)
                    }
                }
            }
        } onGracefulShutdown: {
            input.finish()
        }
        // A request that outlived its callers' deadlines runs on to fill
        // the cache; at shutdown it is cancelled and waited for.
        var cancelled = 0
        for service in lookups.retired + (lookups.service.map { [$0] } ?? []) { cancelled += await service.shutdown() }
        if cancelled > 0 {
            logger.info("caller lookups still running cancelled at shutdown", metadata: ["count": "\(cancelled)"])
        }
    }

    /// Hands the lookup result to the engine and processes the parked
    /// events in order; events arriving meanwhile join the queue.
    func resume(callID: String, outcome: LookupOutcome) async {
        engine.setLookup(PipelineLookups.party(outcome), callID: callID)
        while let next = lookups.parked[callID]?.first {
            lookups.parked[callID]?.removeFirst()
            await process(next.event, arrival: next.arrival)
        }
        lookups.parked[callID] = nil
        for waiter in lookups.waiters.removeValue(forKey: callID) ?? [] { waiter.resume() }
    }

    /// Returns once no event of `callIDs` waits behind a lookup: their
    /// requests are then committed (an ingest batch answers 202 only then).
    /// Bounded by the lookup's `timeout`.
    func waitForLookups(of callIDs: Set<String>) async {
        for id in callIDs where lookups.parked[id] != nil {
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                lookups.waiters[id, default: []].append(c)
            }
        }
    }

    /// Events waiting for a lookup right now.
    public func parkedEvents() -> Int { lookups.parked.values.reduce(0) { $0 + $1.count } }
}
