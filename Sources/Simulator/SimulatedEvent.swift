import Calls

/// One event of the simulator's timeline, at a time relative to its start
/// (simulated time; the speed-up divides it).
public struct SimulatedEvent: Sendable, Hashable {
    public enum Payload: Sendable, Hashable {
        case call(CallEvent)
        case line(LineStateEvent)
    }

    public var at: Duration
    public var payload: Payload
    /// Index of the simulated call this event belongs to (0-based).
    public var callIndex: Int

    public init(at: Duration, payload: Payload, callIndex: Int) {
        self.at = at
        self.payload = payload
        self.callIndex = callIndex
    }
}

/// An extension of the simulated tenant.
public struct SimulatedExtension: Sendable, Hashable {
    public var number: String
    public var name: String
}
