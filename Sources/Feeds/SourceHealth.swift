import Synchronization

/// What one source says about itself, for readiness and the live line:
/// connected or not, and if not, why (e.g. `login failed (401)`). Written
/// by the source's own tasks, read by anyone; never holds a secret.
public final class SourceHealth: Sendable {
    public struct State: Sendable, Equatable {
        public var connected: Bool
        /// Why the source is not connected; nil while connected.
        public var problem: String?
    }

    private let state = Mutex(State(connected: false, problem: "connecting"))

    public init() {}

    public var current: State { state.withLock { $0 } }

    func connected() { state.withLock { $0 = State(connected: true, problem: nil) } }

    func failed(_ problem: String) { state.withLock { $0 = State(connected: false, problem: problem) } }
}
