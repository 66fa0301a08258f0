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
        let plan = wantsRead ? commitRefills(&s, nowMono: nowMono, targets: targets) : []
        if sqlite != nil {
            s.dirty = false
            // New deliveries of a target that holds everything due but is
            // not refilled now stay in the queue, past what it holds.
            let refilled = Set(plan.map(\.target))
            for d in s.unwritten.inserts where s.marks[d.target] == .all && !refilled.contains(d.target) {
                s.setMark(.upTo(s.highestLoaded[d.target, default: 0]), d.target)
            }
        }
        let probeSuccessors = !s.marks.isEmpty
        let flight = CommitFlight(
            batch: s.unwritten, waited: s.unwrittenWaited, waiters: s.unwrittenWaiters, marksEpoch: s.marksEpoch)
        s.unwritten = StoreBatch()
        s.unwrittenWaited = []
        s.unwrittenWaiters = []
        s.committing = flight
        let batch = flight.batch
        // Deliveries whose outcomes this batch writes are no longer held
        // once it is written: a retry due at once is read with it.
        let skipping = s.loadedSeqs.subtracting(batch.outcomes.lazy.compactMap(\.seq))
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
            if let due = result.due {
                let stale = flight.marksEpoch != s.marksEpoch
                for (name, rows) in due { land(rows, target: name, result, &s, targets: targets, stale: stale) }
            } else if !flight.batch.isEmpty {
                s.dirty = true
            }
            // A finished delivery's successor may now be due behind a mark.
            let unblocked = result.unblockedUnknown ? Set(s.marks.keys) : result.unblocked
            for name in unblocked where s.marks[name] != nil && result.scanned[name]?.full != true {
                s.dropMarks(name)
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
            s.dropMarks()
            if !s.storeFailing {
                s.storeFailing = true
                logger.error("cannot write the delivery queue; retrying every second", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Loads one target's refill and moves its mark to what the refill
    /// found: everything due (a read that saw all), everything up to the
    /// last position read (all of it loaded), or up to the last one loaded
    /// (the window is full).
    /// A `stale` commit was planned before marks were dropped: it sets
    /// none, and the next refill reads from the start.
    private func land(
        _ rows: [Delivery], target name: String, _ result: CommitLanding, _ s: inout DispatchState,
        targets: [String: Target], stale: Bool
    ) {
        let (fitted, lastTaken) = s.take(rows, target: name, window: window(of: name, targets: targets))
        let read = result.scanned[name]
        if stale {
            s.setMark(nil, name)
            s.dirty = true
        } else if fitted {
            // From the commit's own inserts (no read): `.all` stays.
            guard let read else { return }
            if read.exhausted {
                s.setMark(.all, name)
            } else if let last = read.last {
                s.setMark(.upTo(last), name)
            } else {
                s.setMark(nil, name)
            }
        } else if let lastTaken {
            s.setMark(.upTo(lastTaken), name)
        } else if s.marks[name] == .all {
            s.setMark(.upTo(s.highestLoaded[name, default: 0]), name)
        }
    }

    /// What the next SQLite commit reads for each target that needs a
    /// refill, by what its mark says is loaded: nothing (`.all`: the
    /// commit's own inserts are all there is), the room left in the window
    /// past the mark (nothing past it is loaded, so more would be decoded
    /// and dropped: in the stream row that was half of every read), or from
    /// the start, past what is held.
    func commitRefills(_ s: inout DispatchState, nowMono: Int64, targets: [String: Target]) -> [SQLiteDeliveryStore.Refill] {
        refillPlan(&s, nowMono: nowMono, targets: targets).map { name, limit in
            switch s.marks[name] {
            case .all: (name, limit, .all)
            case .upTo(let seq): (name, max(1, window(of: name, targets: targets) - s.loaded[name, default: 0]), .upTo(seq))
            case nil: (name, limit, nil)
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
