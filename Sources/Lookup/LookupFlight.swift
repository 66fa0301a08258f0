import Synchronization

/// One request in flight for one number, shared by every caller that asks
/// for that number before it ends (coalescing). Callers wait on it with
/// their own deadline; the request itself is not bound to any caller.
final class LookupFlight: Sendable {
    private struct State {
        var outcome: LookupOutcome?
        var waiters: [Int: CheckedContinuation<LookupOutcome?, Never>] = [:]
        /// Waiters cancelled before their continuation was installed.
        var cancelled: Set<Int> = []
        var nextWaiter = 0
        var task: Task<Void, Never>?
    }

    private let state = Mutex(State())

    /// Hands out the id a waiter passes to `wait`.
    func newWaiter() -> Int {
        state.withLock {
            $0.nextWaiter += 1
            return $0.nextWaiter
        }
    }

    /// Callers waiting right now (for tests of coalescing).
    var waiting: Int { state.withLock { $0.waiters.count } }

    /// The request's task, kept so `LookupService.shutdown()` can cancel it.
    func attach(_ task: Task<Void, Never>) { state.withLock { $0.task = task } }

    var task: Task<Void, Never>? { state.withLock { $0.task } }

    /// The outcome, or nil when the waiting task is cancelled first.
    func wait(_ id: Int) async -> LookupOutcome? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<LookupOutcome?, Never>) in
                let ready: LookupOutcome?? = state.withLock { s in
                    if let o = s.outcome { return .some(o) }
                    if s.cancelled.remove(id) != nil { return .some(nil) }
                    s.waiters[id] = c
                    return .none
                }
                if let ready { c.resume(returning: ready) }
            }
        } onCancel: {
            let c = state.withLock { s -> CheckedContinuation<LookupOutcome?, Never>? in
                if let c = s.waiters.removeValue(forKey: id) { return c }
                if s.outcome == nil { s.cancelled.insert(id) }
                return nil
            }
            c?.resume(returning: nil)
        }
    }

    /// Ends the flight: every waiter gets `outcome`, later waiters at once.
    func finish(_ outcome: LookupOutcome) {
        let waiters = state.withLock { s in
            s.outcome = outcome
            s.task = nil
            defer { s.waiters = [:] }
            return s.waiters
        }
        for c in waiters.values { c.resume(returning: outcome) }
    }
}
