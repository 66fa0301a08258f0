import Logging
import RuleEngine

extension Dispatcher {
    /// Starts the next group commit when none is under way: everything
    /// handed in and every result settled since the last one, in one
    /// transaction. The loop does not wait for it; it goes on settling
    /// results and starting loaded deliveries, and the commit lands (`land`)
    /// in a later round. With SQLite the refills are read in the commit's
    /// transaction, after its writes.
    func launchCommit(
        _ s: inout DispatchState, group: inout DiscardingTaskGroup, nowEpoch: Int64, nowMono: Int64,
        targets: [String: Target], stop: Bool
    ) {
        guard s.committing == nil else { return }
        if s.storeFailing && nowMono < s.commitRetryAt { return }
        let sqlite = stop ? nil : store as? SQLiteDeliveryStore
        let wantsRead = sqlite != nil && (s.dirty || !s.unwritten.inserts.isEmpty)
        guard s.hasUnwritten || wantsRead else { return }
        let plan: [SQLiteDeliveryStore.Refill] =
            wantsRead
            ? refillPlan(&s, nowMono: nowMono, targets: targets).map { ($0.target, $0.limit, !s.caughtUp.contains($0.target)) }
            : []
        if sqlite != nil {
            s.dirty = false
            // New deliveries of a target not refilled now are left in the
            // queue: a later refill must read it.
            let refilled = Set(plan.map(\.target))
            for d in s.unwritten.inserts where !refilled.contains(d.target) { s.caughtUp.remove(d.target) }
        }
        let probeSuccessors = !s.caughtUp.isEmpty
        let flight = CommitFlight(batch: s.unwritten, waited: s.unwrittenWaited, waiters: s.unwrittenWaiters)
        s.unwritten = StoreBatch()
        s.unwrittenWaited = []
        s.unwrittenWaiters = []
        s.committing = flight
        let batch = flight.batch
        let skipping = s.loadedSeqs
        let store = store
        group.addTask {
            let landing: Result<CommitLanding, any Error>
            do {
                if let sqlite, !plan.isEmpty || probeSuccessors {
                    landing = .success(
                        try await sqlite.commit(
                            batch, refills: plan, probeSuccessors: probeSuccessors, now: nowEpoch, skipping: skipping))
                } else {
                    landing = .success(CommitLanding(skipped: try await store.commit(batch), due: nil))
                }
            } catch {
                landing = .failure(error)
            }
            self.inbox.withLock { $0.landed = landing }
            self.wake()
        }
    }

    /// The commit under way finished: answer its callers, and load what
    /// was read with it. A failed one goes back in front of what came
    /// since, except the inserts of `submit` calls (their callers try
    /// again), and is tried again in a second.
    func land(
        _ landing: Result<CommitLanding, any Error>, _ s: inout DispatchState, nowMono: Int64, targets: [String: Target]
    ) {
        guard let flight = s.committing else { return }
        s.committing = nil
        switch landing {
        case .success(let result):
            if result.skipped > 0 {
                logger.debug("requests already queued were not queued again", metadata: ["requests": "\(result.skipped)"])
            }
            s.committed(flight.batch)
            committed(flight.batch.inserts.count)
            for w in flight.waiters { w.resume() }
            if s.storeFailing {
                s.storeFailing = false
                logger.notice("the delivery queue is writable again")
            }
            if result.unblockedUnknown {
                s.caughtUp = []
            } else {
                s.caughtUp.subtract(result.unblocked)
            }
            if !result.unblocked.isEmpty || result.unblockedUnknown { s.dirty = true }
            if let due = result.due {
                for (name, rows) in due {
                    if s.take(rows, target: name, window: window(of: name, targets: targets)) {
                        if result.exhausted.contains(name) { s.caughtUp.insert(name) }
                    } else {
                        s.caughtUp.remove(name)
                    }
                }
            } else if !flight.batch.isEmpty {
                s.dirty = true
            }
        case .failure(let error) where error is CancellationError:
            // The dispatcher itself was cancelled (not a graceful shutdown).
            for w in flight.waiters { w.resume(throwing: SubmitError.stopping) }
            s.done = true
        case .failure(let error):
            for w in flight.waiters { w.resume(throwing: SubmitError.store("\(error)")) }
            let kept = Self.withoutWaited(flight.batch.inserts, waited: flight.waited)
            committed(flight.batch.inserts.count - kept.count)
            s.unwrittenWaited = s.unwrittenWaited.map { ($0.lowerBound + kept.count)..<($0.upperBound + kept.count) }
            s.unwritten.inserts = kept + s.unwritten.inserts
            s.unwritten.outcomes = flight.batch.outcomes + s.unwritten.outcomes
            s.unwritten.callVars = flight.batch.callVars + s.unwritten.callVars
            s.commitRetryAt = nowMono + 1_000_000_000
            s.dirty = true
            s.caughtUp = []
            if !s.storeFailing {
                s.storeFailing = true
                logger.error("cannot write the delivery queue; retrying every second", metadata: ["error": "\(error)"])
            }
        }
    }

    /// `inserts` without those of `submit` calls, at the positions `waited`.
    static func withoutWaited(_ inserts: [Delivery], waited: [Range<Int>]) -> [Delivery] {
        guard !waited.isEmpty else { return inserts }
        var out: [Delivery] = []
        out.reserveCapacity(inserts.count)
        var next = 0
        for r in waited {
            out.append(contentsOf: inserts[next..<r.lowerBound])
            next = r.upperBound
        }
        out.append(contentsOf: inserts[next...])
        return out
    }

    /// How many deliveries of `name` this instance keeps loaded.
    func window(of name: String, targets: [String: Target]) -> Int {
        guard let target = targets[name] else { return 0 }
        return DispatchState.window(
            concurrency: store.share(concurrency: target.concurrency, ratePerSecond: target.ratePerSecond).concurrency)
    }
}
