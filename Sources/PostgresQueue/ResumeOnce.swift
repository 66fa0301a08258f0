import Synchronization

/// A continuation resumed by whichever comes first: the work, its deadline
/// or the caller's cancellation.
final class ResumeOnce<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var result: Result<T, any Error>?
        var done = false
        var cleanup: (@Sendable () -> Void)?
    }
    private let state = Mutex(State())

    func set(_ c: CheckedContinuation<T, any Error>) {
        let early = state.withLock { s -> Result<T, any Error>? in
            if s.done, let r = s.result {
                s.result = nil
                return r
            }
            s.continuation = c
            return nil
        }
        if let early { c.resume(with: early) }
    }

    /// Runs `cleanup` once resumed (at once if it already was).
    func onResume(_ cleanup: @escaping @Sendable () -> Void) {
        let now = state.withLock { s -> Bool in
            if s.done { return true }
            s.cleanup = cleanup
            return false
        }
        if now { cleanup() }
    }

    /// Resumes with `result` unless already resumed; returns whether it did.
    @discardableResult
    func resume(_ result: Result<T, any Error>) -> Bool {
        let (first, continuation, cleanup) = state.withLock {
            s -> (Bool, CheckedContinuation<T, any Error>?, (@Sendable () -> Void)?) in
            guard !s.done else { return (false, nil, nil) }
            s.done = true
            let c = s.continuation
            s.continuation = nil
            if c == nil { s.result = result }
            let cleanup = s.cleanup
            s.cleanup = nil
            return (true, c, cleanup)
        }
        continuation?.resume(with: result)
        cleanup?()
        return first
    }

    func cancel() { resume(.failure(CancellationError())) }
}
