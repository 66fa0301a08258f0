import Synchronization

/// Hands the port a server actually bound (it may have asked for port 0)
/// to whoever waits for it, or the reason it could not listen.
///
/// A wait ends when the server listens, when it fails to start, or when the
/// waiting task is cancelled: start-up never hangs on a server that is gone.
public final class PortAnnouncer: Sendable {
    private enum Outcome {
        case waiting
        case bound(Int)
        case failed(any Error)
    }

    private struct State {
        var outcome = Outcome.waiting
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Int, any Error>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// The bound port if the server listens already, else nil.
    public var boundPort: Int? {
        state.withLock { s in
            if case .bound(let port) = s.outcome { return port }
            return nil
        }
    }

    /// The server listens on `port`.
    public func announce(_ port: Int) { settle(.bound(port)) }

    /// The server could not start; every wait for its port throws `error`.
    public func fail(_ error: any Error) { settle(.failed(error)) }

    private func settle(_ outcome: Outcome) {
        let waiters = state.withLock { s -> [CheckedContinuation<Int, any Error>] in
            guard case .waiting = s.outcome else { return [] }
            s.outcome = outcome
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for w in waiters {
            switch outcome {
            case .bound(let port): w.resume(returning: port)
            case .failed(let error): w.resume(throwing: error)
            case .waiting: break
            }
        }
    }

    /// The bound port, once the server listens. Throws the server's start-up
    /// failure, or `CancellationError` when the waiting task is cancelled.
    public func port() async throws -> Int {
        let id = state.withLock { s in
            defer { s.nextWaiter += 1 }
            return s.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Int, any Error>) in
                let ready: Result<Int, any Error>? = state.withLock { s in
                    switch s.outcome {
                    case .bound(let port): return .success(port)
                    case .failed(let error): return .failure(error)
                    case .waiting:
                        if Task.isCancelled { return .failure(CancellationError()) }
                        s.waiters[id] = c
                        return nil
                    }
                }
                if let ready { c.resume(with: ready) }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }
}
