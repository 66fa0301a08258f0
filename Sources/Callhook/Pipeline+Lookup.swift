import Calls
import Lookup
import RuleEngine

extension Pipeline {
    /// Parks a call event behind its call's lookup: the first event of a
    /// call with an external remote party starts the lookup in a task of its
    /// own, and it and the call's later events wait (in order) until the
    /// result is in. Other calls go on meanwhile. Returns true when parked.
    func park(_ call: CallEvent, arrival: EventTime) -> Bool {
        if lookups.parked[call.uuid] != nil {
            lookups.parked[call.uuid]?.append((call, arrival))
            return true
        }
        guard let service = lookups.service, let number = engine.lookupCandidate(call) else { return false }
        lookups.parked[call.uuid] = [(call, arrival)]
        let n = LookupNumber(e164: number.e164, digits: number.digits, national: number.national)
        let callID = call.uuid
        Task {
            let outcome = await service.lookup(n)
            await self.resume(callID: callID, outcome: outcome)
        }
        return true
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
