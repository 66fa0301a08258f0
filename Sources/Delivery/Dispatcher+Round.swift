import Calls
import Curl
import Logging
import RuleEngine

extension Dispatcher {
    /// One round of the loop: the commit that landed and the results that
    /// came in are applied, loaded deliveries start as the limits allow,
    /// and the next group commit starts if none is under way. The loop does
    /// not wait for commits (`Dispatcher+Commit.swift`).
    func round(_ s: inout DispatchState, group: inout DiscardingTaskGroup) async {
        let stop = stopping.load(ordering: .relaxed)
        let (inserts, waited, waiters, finished, landed) = inbox.withLock { box in
            if stop { box.closed = true }
            defer {
                box.inserts = []
                box.waited = []
                box.waiters = []
                box.finished = []
                box.landed = nil
            }
            return (box.inserts, box.waited, box.waiters, box.finished, box.landed)
        }
        let nowEpoch = epochMillis()
        let nowMono = monotonic()
        let current = targets.withLock { $0 }
        // Held first: a failed commit goes back in front of these, and a
        // cancelled one leaves their callers to be answered by `run`.
        s.hold(inserts, waited: waited, waiters: waiters)
        if let landed {
            land(landed, &s, nowMono: nowMono, targets: current)
            if s.done { return }
        }
        for f in finished { settle(f, &s, nowEpoch: nowEpoch, nowMono: nowMono, targets: current) }

        if stop {
            drainForShutdown(&s, group: &group, nowEpoch: nowEpoch, nowMono: nowMono, targets: current)
            return
        }
        var ignored = Int64.max
        start(&s, group: &group, nowMono: nowMono, targets: current, wakeAt: &ignored)
        await housekeeping(&s, nowEpoch: nowEpoch, nowMono: nowMono)
        if let due = s.nextDue, due <= nowEpoch {
            s.nextDue = nil
            s.dirty = true
            s.dropMarks()
        }
        if queueTouched.exchange(false, ordering: .relaxed) {
            s.dirty = true
            s.dropMarks()
        }
        // A store without a combined commit and read (PostgreSQL, memory):
        // the refill is read here, between commits.
        if s.dirty, s.committing == nil, !s.storeFailing, !(store is SQLiteDeliveryStore) {
            s.dirty = false
            catchUp(&s, group: &group, targets: current)
            await load(&s, nowEpoch: nowEpoch, nowMono: nowMono, targets: current)
        }
        catchUp(&s, group: &group, targets: current)
        launchCommit(&s, group: &group, nowEpoch: nowEpoch, nowMono: nowMono, targets: current, stop: false)
        var wakeAt = s.lastScan + 1_000_000_000
        start(&s, group: &group, nowMono: nowMono, targets: current, wakeAt: &wakeAt)
        if let due = s.nextDue {
            // Milliseconds to nanoseconds, bounded (a due time years away
            // from a bad clock or a stored row must not overflow).
            let wait = min(max(0, due &- nowEpoch), 86_400_000 * 3_650)
            wakeAt = min(wakeAt, nowMono + wait * 1_000_000)
        }
        if s.storeFailing && s.committing == nil { wakeAt = min(wakeAt, s.commitRetryAt) }
        setWake(wakeAt)
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
    /// then they are cancelled and stay queued. Results and what was handed
    /// in go on being committed until the last has landed.
    private func drainForShutdown(
        _ s: inout DispatchState, group: inout DiscardingTaskGroup, nowEpoch: Int64, nowMono: Int64,
        targets: [String: Target]
    ) {
        if s.stopDeadline == nil {
            let grace = shutdownGrace.components
            s.stopDeadline = nowMono + grace.seconds * 1_000_000_000 + grace.attoseconds / 1_000_000_000
            for list in s.ready.values { for d in list { s.unload(d) } }
            s.ready = [:]
            if s.inFlight > 0 {
                logger.info("shutting down; waiting for requests in flight", metadata: ["in_flight": "\(s.inFlight)"])
            }
        }
        launchCommit(&s, group: &group, nowEpoch: nowEpoch, nowMono: nowMono, targets: targets, stop: true)
        // A queue that cannot be written is tried every second until the
        // grace period ends; what is still unwritten then is lost.
        let givingUp = s.storeFailing && nowMono >= (s.stopDeadline ?? nowMono)
        if s.inFlight == 0, s.committing == nil, !s.hasUnwritten || givingUp {
            if !s.unwritten.isEmpty {
                logger.error(
                    "the delivery queue could not be written before shutdown; requests and results not written are lost",
                    metadata: [
                        "requests": "\(s.unwritten.inserts.count)", "results": "\(s.unwritten.outcomes.count)",
                        "hint": "the requests whose results were lost are sent again at the next start",
                    ])
            }
            for w in s.unwrittenWaiters { w.resume(throwing: SubmitError.stopping) }
            s.unwrittenWaiters = []
            s.done = true
            wake()
            return
        }
        if let deadline = s.stopDeadline, nowMono >= deadline, !s.cancelled, s.inFlight > 0 {
            s.cancelled = true
            logger.warning(
                "requests still in flight after the shutdown grace period are cancelled; they stay queued",
                metadata: ["in_flight": "\(s.inFlight)"])
            for cancel in inFlightHandles.withLock({ $0.takeAll() }) { cancel() }
        }
        var at = s.stopDeadline ?? nowMono
        if s.storeFailing && s.committing == nil { at = min(at, s.commitRetryAt) }
        setWake(at)
    }

    /// Once a second: which targets have pending deliveries, when the next
    /// retry is due, the queue depth; once an hour: retention.
    private func housekeeping(_ s: inout DispatchState, nowEpoch: Int64, nowMono: Int64) async {
        guard nowMono - s.lastScan >= 1_000_000_000 else { return }
        s.lastScan = nowMono
        s.dirty = true
        // Once a second every target's refill reads the queue, whatever
        // else changed it.
        s.dropMarks()
        do {
            s.pendingTargets = Set(try await store.pendingTargets())
            // Retry times settled but not yet committed are not in the
            // store yet: the earlier of the two.
            let stored = try await store.nextDue(after: nowEpoch)
            s.nextDue = [stored, s.nextDue].compactMap { $0 }.min()
            if nowMono - s.lastCount >= 2_000_000_000 {
                s.lastCount = nowMono
                let (pending, dead) = try await store.depth()
                s.metrics.depth(pending: pending, dead: dead)
                await countOrphans(&s)
                stats.pendingCount.store(pending, ordering: .relaxed)
                stats.deadInQueue.store(dead, ordering: .relaxed)
            }
        } catch is CancellationError {
            return
        } catch {
            logger.error("cannot read the delivery queue", metadata: ["error": "\(error)"])
        }
        await pruneRetained(&s, nowEpoch: nowEpoch, nowMono: nowMono)
    }

    /// Hourly, in chunks of `pruneChunk`, `prunePerSecond` of them a
    /// second, until none past retention is left: one delete of everything
    /// held the queue's write lock and this loop for seconds after a long
    /// stop. A failed pass is logged once and tried again the next hour.
    private func pruneRetained(_ s: inout DispatchState, nowEpoch: Int64, nowMono: Int64) async {
        guard s.pruned != nil || nowMono - s.lastPrune >= 3600 * 1_000_000_000 else { return }
        if s.pruned == nil { s.lastPrune = nowMono }
        let keep = retention.components.seconds * 1000
        var removed = s.pruned ?? 0
        do {
            for _ in 0..<Self.prunePerSecond {
                let chunk = try await store.prune(before: nowEpoch - keep, limit: Self.pruneChunk)
                removed += chunk.deliveries
                guard chunk.more else {
                    s.pruned = nil
                    if removed > 0 {
                        logger.info("removed deliveries past retention", metadata: ["deliveries": "\(removed)"])
                    }
                    return
                }
                s.pruned = removed
            }
        } catch is CancellationError {
            return
        } catch {
            s.pruned = nil
            logger.error(
                "cannot remove deliveries past retention; trying again in an hour",
                metadata: ["error": "\(error)", "removed": "\(removed)"])
        }
    }

    /// Deliveries (and captured values) removed per transaction while a
    /// retention pass runs (about 10 ms of the queue's time each), and
    /// transactions per second: 3,000 deliveries a second, three times
    /// P4's rate, in about 30 ms of each second.
    static let pruneChunk = 1_000
    static let prunePerSecond = 3

    /// Loads due deliveries, per target up to its window (a store without
    /// a combined commit and read; SQLite reads them in its commits).
    private func load(_ s: inout DispatchState, nowEpoch: Int64, nowMono: Int64, targets: [String: Target]) async {
        for (name, limit) in refillPlan(&s, nowMono: nowMono, targets: targets) {
            do {
                // Loaded ones (and settled ones whose outcome is not yet
                // written) are among the first due: look past them.
                let rows = try await store.due(target: name, now: nowEpoch, limit: limit, skipping: s.loadedSeqs)
                s.take(rows, target: name, window: window(of: name, targets: targets))
            } catch is CancellationError {
                return
            } catch {
                logger.error("cannot read the delivery queue", metadata: ["error": "\(error)", "target": "\(name)"])
            }
        }
    }

    /// The targets to refill now, each with how many due deliveries to
    /// look at. Deliveries of a target the rules no longer define wait
    /// (orphaned), never dead; a paused target (breaker) waits too.
    func refillPlan(_ s: inout DispatchState, nowMono: Int64, targets: [String: Target]) -> [(target: String, limit: Int)] {
        noteOrphans(&s, known: Set(targets.keys))
        var plan: [(target: String, limit: Int)] = []
        for name in Set(targets.keys).union(s.pendingTargets) {
            guard let target = targets[name] else { continue }
            // With several instances on one queue, this one's share of the limits.
            let limits = store.share(concurrency: target.concurrency, ratePerSecond: target.ratePerSecond)
            var gate = s.gates[name] ?? TargetGate(concurrency: limits.concurrency, ratePerSecond: limits.ratePerSecond)
            gate.update(concurrency: limits.concurrency, ratePerSecond: limits.ratePerSecond)
            s.gates[name] = gate
            if let until = gate.breaker.pausedUntil, nowMono < until { continue }
            let window = DispatchState.window(concurrency: limits.concurrency)
            // Refill when a quarter of the window is free with SQLite (the
            // read rides on a commit that runs anyway; P3 +4-7 % over half),
            // when half is free otherwise (fewer, larger reads of their own).
            let refillAt = store is SQLiteDeliveryStore ? window * 3 / 4 : window / 2
            guard s.loaded[name, default: 0] <= refillAt else { continue }
            plan.append((name, window + s.loadedSeqs.count))
        }
        return plan
    }

    /// Starts what each target's gate lets through.
    private func start(
        _ s: inout DispatchState, group: inout DiscardingTaskGroup, nowMono: Int64, targets: [String: Target],
        wakeAt: inout Int64
    ) {
        // Each list is taken out of the table while it is worked on: with a
        // second reference left in the table, `removeFirst` copied the
        // rest of the list (every delivery retained) each round.
        for name in Array(s.ready.keys) {
            guard var list = s.ready.removeValue(forKey: name), !list.isEmpty else { continue }
            guard let target = targets[name] else {
                for d in list { s.unload(d) }
                s.dropMarks(name)
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
            if !list.isEmpty { s.ready[name] = list }
            s.gates[name] = gate
        }
    }

    func post(_ f: Finished) {
        inbox.withLock { $0.finished.append(f) }
        wake()
    }
}
