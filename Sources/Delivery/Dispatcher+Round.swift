import Calls
import Curl
import Logging
import RuleEngine

extension Dispatcher {
    /// One round of the loop: results in, one commit, load what is due,
    /// start what the limits allow, decide when to wake next.
    func round(_ s: inout DispatchState, group: inout DiscardingTaskGroup) async {
        let stop = stopping.load(ordering: .relaxed)
        let (inserts, waited, waiters, finished) = inbox.withLock { box in
            if stop { box.closed = true }
            defer {
                box.inserts = []
                box.waited = []
                box.waiters = []
                box.finished = []
            }
            return (box.inserts, box.waited, box.waiters, box.finished)
        }
        let nowEpoch = epochMillis()
        let nowMono = monotonic()
        let current = targets.withLock { $0 }
        for f in finished { settle(f, &s, nowEpoch: nowEpoch, nowMono: nowMono, targets: current) }
        // Refill the slots just freed from what is already loaded before
        // waiting for the commit, so that requests stay in flight meanwhile.
        var ignored = Int64.max
        if !stop { start(&s, group: &group, nowMono: nowMono, targets: current, wakeAt: &ignored) }

        var batch = s.unwritten
        batch.inserts.append(contentsOf: inserts)
        // SQLite: the refills that are already due are read in the commit's
        // own transaction (one trip to the writer, not two).
        var preloaded: [String: [Delivery]]?
        do {
            let skipped: Int
            if let sqlite = store as? SQLiteDeliveryStore, !stop, s.dirty || !batch.isEmpty {
                (skipped, preloaded) = try await sqlite.commit(
                    batch, thenDue: refillPlan(s, nowMono: nowMono, targets: current), now: nowEpoch,
                    skipping: s.loadedSeqs)
            } else {
                skipped = try await store.commit(batch)
            }
            if skipped > 0 { logger.debug("requests already queued were not queued again", metadata: ["requests": "\(skipped)"]) }
            s.committed(batch)
            s.unwritten = StoreBatch()
            committed(batch.inserts.count)
            for w in waiters { w.resume() }
            if !batch.isEmpty { s.dirty = true }
            if s.storeFailing {
                s.storeFailing = false
                logger.notice("the delivery queue is writable again")
            }
        } catch is CancellationError {
            // The dispatcher itself was cancelled (not a graceful shutdown).
            for w in waiters { w.resume(throwing: SubmitError.stopping) }
            s.done = true
            return
        } catch {
            for w in waiters { w.resume(throwing: SubmitError.store("\(error)")) }
            // `submit` callers try again themselves; what `enqueue` handed in
            // stays for the next commit, in order.
            s.unwritten.inserts = Self.withoutWaited(batch.inserts, kept: s.unwritten.inserts.count, waited: waited)
            committed(batch.inserts.count - s.unwritten.inserts.count)
            if !s.storeFailing {
                s.storeFailing = true
                logger.error("cannot write the delivery queue; retrying every second", metadata: ["error": "\(error)"])
            }
            if !stop {
                setWake(nowMono + 1_000_000_000)
                return
            }
        }

        if stop {
            drainForShutdown(&s, group: &group, nowMono: nowMono)
            return
        }

        catchUp(&s, group: &group, targets: current)
        await housekeeping(&s, nowEpoch: nowEpoch, nowMono: nowMono)
        if let due = s.nextDue, due <= nowEpoch {
            s.nextDue = nil
            s.dirty = true
        }
        if s.dirty {
            s.dirty = false
            catchUp(&s, group: &group, targets: current)
            await load(&s, nowEpoch: nowEpoch, nowMono: nowMono, targets: current, preloaded: preloaded)
        }
        catchUp(&s, group: &group, targets: current)
        var wakeAt = s.lastScan + 1_000_000_000
        start(&s, group: &group, nowMono: nowMono, targets: current, wakeAt: &wakeAt)
        if let due = s.nextDue {
            // Milliseconds to nanoseconds, bounded (a due time years away
            // from a bad clock or a stored row must not overflow).
            let wait = min(max(0, due &- nowEpoch), 86_400_000 * 3_650)
            wakeAt = min(wakeAt, nowMono + wait * 1_000_000)
        }
        setWake(wakeAt)
    }

    /// The inserts of a failed commit without those of `submit` calls:
    /// `kept` inserts from earlier failed commits, then this round's, whose
    /// `submit` ranges are `waited`.
    static func withoutWaited(_ inserts: [Delivery], kept: Int, waited: [Range<Int>]) -> [Delivery] {
        guard !waited.isEmpty else { return inserts }
        var out = Array(inserts[0..<kept])
        var next = 0
        for r in waited {
            out.append(contentsOf: inserts[(kept + next)..<(kept + r.lowerBound)])
            next = r.upperBound
        }
        out.append(contentsOf: inserts[(kept + next)...])
        return out
    }

    /// Between the round's waits: attempts that finished meanwhile free
    /// their slots and loaded deliveries start at once, instead of after
    /// the whole round (commit, reads) — a round's waits no longer bound
    /// how many requests a target has in flight. Their outcomes go with the
    /// next commit; the loop's wake-up for them is still pending.
    func catchUp(_ s: inout DispatchState, group: inout DiscardingTaskGroup, targets: [String: Target]) {
        let finished = inbox.withLock { box in
            defer { box.finished = [] }
            return box.finished
        }
        guard !finished.isEmpty else { return }
        let nowEpoch = epochMillis()
        let nowMono = monotonic()
        for f in finished { settle(f, &s, nowEpoch: nowEpoch, nowMono: nowMono, targets: targets) }
        var ignored = Int64.max
        start(&s, group: &group, nowMono: nowMono, targets: targets, wakeAt: &ignored)
    }

    func setWake(_ at: Int64) {
        wakeAt.store(at, ordering: .relaxed)
    }

    /// Shutdown: nothing new starts; requests in flight get `shutdownGrace`,
    /// then they are cancelled and stay queued.
    private func drainForShutdown(_ s: inout DispatchState, group: inout DiscardingTaskGroup, nowMono: Int64) {
        if s.stopDeadline == nil {
            let grace = shutdownGrace.components
            s.stopDeadline = nowMono + grace.seconds * 1_000_000_000 + grace.attoseconds / 1_000_000_000
            for list in s.ready.values { for d in list { s.unload(d) } }
            s.ready = [:]
            if s.inFlight > 0 {
                logger.info("shutting down; waiting for requests in flight", metadata: ["in_flight": "\(s.inFlight)"])
            }
        }
        if s.inFlight == 0 {
            s.done = true
            wake()
            return
        }
        if let deadline = s.stopDeadline, nowMono >= deadline, !s.cancelled {
            s.cancelled = true
            logger.warning(
                "requests still in flight after the shutdown grace period are cancelled; they stay queued",
                metadata: ["in_flight": "\(s.inFlight)"])
            for cancel in inFlightHandles.withLock({ $0.takeAll() }) { cancel() }
            group.cancelAll()
        }
        setWake(s.stopDeadline ?? nowMono)
    }

    /// Once a second: which targets have pending deliveries, when the next
    /// retry is due, the queue depth; once an hour: retention.
    private func housekeeping(_ s: inout DispatchState, nowEpoch: Int64, nowMono: Int64) async {
        guard nowMono - s.lastScan >= 1_000_000_000 else { return }
        s.lastScan = nowMono
        s.dirty = true
        do {
            s.pendingTargets = Set(try await store.pendingTargets())
            s.nextDue = try await store.nextDue(after: nowEpoch)
            if nowMono - s.lastCount >= 2_000_000_000 {
                s.lastCount = nowMono
                let counts = try await store.counts()
                let pending = counts[.pending] ?? 0
                let dead = counts[.dead] ?? 0
                s.metrics.depth(pending: pending, dead: dead)
                await countOrphans(&s)
                stats.pendingCount.store(pending, ordering: .relaxed)
                stats.deadInQueue.store(dead, ordering: .relaxed)
            }
            if nowMono - s.lastPrune >= 3600 * 1_000_000_000 {
                s.lastPrune = nowMono
                let keep = retention.components.seconds * 1000
                let removed = try await store.prune(before: nowEpoch - keep)
                if removed > 0 { logger.info("removed deliveries past retention", metadata: ["deliveries": "\(removed)"]) }
            }
        } catch is CancellationError {
            return
        } catch {
            logger.error("cannot read the delivery queue", metadata: ["error": "\(error)"])
        }
    }

    /// Loads due deliveries, per target up to its window. Deliveries of a
    /// target the rules no longer define wait (orphaned), never dead.
    private func load(
        _ s: inout DispatchState, nowEpoch: Int64, nowMono: Int64, targets: [String: Target],
        preloaded: [String: [Delivery]]? = nil
    ) async {
        noteOrphans(&s, known: Set(targets.keys))
        for name in Set(targets.keys).union(s.pendingTargets) {
            guard let target = targets[name] else { continue }
            // With several instances on one queue, this one's share of the limits.
            let limits = store.share(concurrency: target.concurrency, ratePerSecond: target.ratePerSecond)
            var gate = s.gates[name] ?? TargetGate(concurrency: limits.concurrency, ratePerSecond: limits.ratePerSecond)
            gate.update(concurrency: limits.concurrency, ratePerSecond: limits.ratePerSecond)
            s.gates[name] = gate
            if let until = gate.breaker.pausedUntil, nowMono < until { continue }
            let window = DispatchState.window(concurrency: limits.concurrency)
            let loaded = s.loaded[name, default: 0]
            // Refill when half the window is free: fewer, larger reads.
            guard loaded <= window / 2 else { continue }
            do {
                // Loaded ones (and settled ones whose outcome is not yet
                // written) are among the first due: look past them.
                let rows: [Delivery]
                if let given = preloaded?[name] {
                    rows = given
                } else {
                    rows = try await store.due(
                        target: name, now: nowEpoch, limit: window + s.loadedSeqs.count, skipping: s.loadedSeqs)
                }
                var count = loaded
                for d in rows where count < window {
                    s.ready[name, default: []].append(d)
                    if let seq = d.seq { s.loadedSeqs.insert(seq) }
                    count += 1
                }
                s.loaded[name] = count
            } catch is CancellationError {
                return
            } catch {
                logger.error("cannot read the delivery queue", metadata: ["error": "\(error)", "target": "\(name)"])
            }
        }
    }

    /// The targets `load` would read now, with their limits (for reading
    /// them in the commit's transaction).
    private func refillPlan(_ s: DispatchState, nowMono: Int64, targets: [String: Target]) -> [(target: String, limit: Int)] {
        var plan: [(target: String, limit: Int)] = []
        for name in Set(targets.keys).union(s.pendingTargets) {
            guard let target = targets[name] else { continue }
            if let until = s.gates[name]?.breaker.pausedUntil, nowMono < until { continue }
            let window = DispatchState.window(concurrency: target.concurrency)
            guard s.loaded[name, default: 0] <= window / 2 else { continue }
            plan.append((name, window + s.loadedSeqs.count))
        }
        return plan
    }

    /// Starts what each target's gate lets through.
    private func start(
        _ s: inout DispatchState, group: inout DiscardingTaskGroup, nowMono: Int64, targets: [String: Target],
        wakeAt: inout Int64
    ) {
        for name in s.ready.keys {
            guard var list = s.ready[name], !list.isEmpty else { continue }
            guard let target = targets[name] else {
                for d in list { s.unload(d) }
                s.ready[name] = nil
                continue
            }
            var gate = s.gates[name] ?? TargetGate(concurrency: target.concurrency, ratePerSecond: target.ratePerSecond)
            var started = 0
            loop: while started < list.count {
                switch gate.tryStart(now: nowMono) {
                case .start:
                    let d = list[started]
                    started += 1
                    s.inFlight += 1
                    begin(d, target: target, group: &group)
                case .wait(let until):
                    wakeAt = min(wakeAt, until)
                    break loop
                case .full:
                    break loop
                }
            }
            list.removeFirst(started)
            s.ready[name] = list
            s.gates[name] = gate
        }
    }

    func post(_ f: Finished) {
        inbox.withLock { $0.finished.append(f) }
        wake()
    }
}
