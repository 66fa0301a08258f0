import Synchronization

/// Hands the port a server actually bound (it may have asked for port 0)
/// to whoever waits for it.
public final class PortAnnouncer: Sendable {
    private let state = Mutex<(port: Int?, waiters: [CheckedContinuation<Int, Never>])>((nil, []))

    public init() {}

    public func announce(_ port: Int) {
        let waiters = state.withLock { s in
            s.port = port
            let w = s.waiters
            s.waiters = []
            return w
        }
        for w in waiters { w.resume(returning: port) }
    }

    /// The bound port, once the server listens.
    public func port() async -> Int {
        await withCheckedContinuation { c in
            let known: Int? = state.withLock { s in
                if let p = s.port { return p }
                s.waiters.append(c)
                return nil
            }
            if let known { c.resume(returning: known) }
        }
    }
}
