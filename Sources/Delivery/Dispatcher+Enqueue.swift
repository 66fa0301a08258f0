import RuleEngine

extension Dispatcher {
    /// Queues requests without waiting for their commit: they are written
    /// with the loop's next group commit, in the order they were handed in
    /// (with `submit`'s, one sequence). Returns at once while fewer than
    /// `maxUncommitted` deliveries wait for a commit; beyond that it waits
    /// for room, so a slow or failing disk slows the caller down instead of
    /// growing memory. A failed commit keeps these deliveries and tries
    /// again (every second) rather than drop them.
    ///
    /// Throws `SubmitError.stopping` once shutdown began, and
    /// `CancellationError` when the caller is cancelled while it waits.
    public func enqueue(_ requests: [RenderedRequest]) async throws {
        guard !requests.isEmpty else { return }
        guard !stopping.load(ordering: .relaxed) else { throw SubmitError.stopping }
        let now = epochMillis()
        let deliveries = requests.map { Delivery($0, now: now) }
        while true {
            switch inbox.withLock({ Self.tryAppend(deliveries, to: &$0, limit: maxUncommitted) }) {
            case .appended:
                stats.queuedCount.add(deliveries.count, ordering: .relaxed)
                stats.pendingCount.add(deliveries.count, ordering: .relaxed)
                wake()
                return
            case .closed:
                throw SubmitError.stopping
            case .full:
                try await waitForRoom(count: deliveries.count)
            }
        }
    }

    /// Returns once everything handed in before it (by `enqueue` or
    /// `submit`) is committed. Throws `SubmitError.store` when that commit
    /// failed (what `enqueue` handed in stays for the next one: call again)
    /// and `SubmitError.stopping` once shutdown began.
    public func flush() async throws {
        try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
            let accepted = inbox.withLock { box -> Bool in
                guard !box.closed else { return false }
                box.waiters.append(c)
                return true
            }
            if accepted { wake() } else { c.resume(throwing: SubmitError.stopping) }
        }
    }

    enum AppendResult { case appended, closed, full }

    /// Appends when there is room. One batch always fits into an empty
    /// buffer, however large it is.
    static func tryAppend(_ deliveries: [Delivery], to box: inout Inbox, limit: Int) -> AppendResult {
        if box.closed { return .closed }
        guard box.uncommitted == 0 || box.uncommitted + deliveries.count <= limit else { return .full }
        box.inserts.append(contentsOf: deliveries)
        box.uncommitted += deliveries.count
        return .appended
    }

    /// Returns when a commit made room (or the inbox closed); the caller
    /// tries again.
    private func waitForRoom(count: Int) async throws {
        let ticket = inbox.withLock { box -> UInt64 in
            box.nextTicket += 1
            return box.nextTicket
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let waiting = inbox.withLock { box -> Bool in
                    // Room may have been made since the last look.
                    guard !box.closed, box.uncommitted > 0, box.uncommitted + count > maxUncommitted, !Task.isCancelled else {
                        return false
                    }
                    box.roomWaiters[ticket] = c
                    return true
                }
                if !waiting { c.resume() }
            }
        } onCancel: {
            let c = inbox.withLock { $0.roomWaiters.removeValue(forKey: ticket) }
            c?.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }

    /// Called after a commit: `count` deliveries left the buffer.
    func committed(_ count: Int) {
        guard count > 0 else { return }
        let waiters = inbox.withLock { box -> [CheckedContinuation<Void, any Error>] in
            box.uncommitted -= count
            guard box.uncommitted < maxUncommitted, !box.roomWaiters.isEmpty else { return [] }
            defer { box.roomWaiters = [:] }
            return Array(box.roomWaiters.values)
        }
        for w in waiters { w.resume() }
    }

    /// The loop ended: nothing more is accepted; whoever waits learns it.
    func closeInbox() {
        let (waiters, roomWaiters) = inbox.withLock { box in
            box.closed = true
            defer {
                box.waiters = []
                box.roomWaiters = [:]
            }
            return (box.waiters, Array(box.roomWaiters.values))
        }
        for w in waiters { w.resume(throwing: SubmitError.stopping) }
        for w in roomWaiters { w.resume(throwing: SubmitError.stopping) }
    }
}
