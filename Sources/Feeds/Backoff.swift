/// Reconnect delays: exponential with jitter (0.5 s doubling to 30 s),
/// reset once a connection has lasted `resetAfter`.
public struct Backoff: Sendable {
    public var initial: Duration = .milliseconds(500)
    public var maximum: Duration = .seconds(30)
    public var resetAfter: Duration = .seconds(60)
    private var attempt = 0

    public init() {}

    /// The delay before the next attempt, jittered to between half and all of it.
    public mutating func next(using rng: inout some RandomNumberGenerator) -> Duration {
        let base = min(Double(maximum.nanoseconds), Double(initial.nanoseconds) * pow2(attempt))
        attempt += 1
        let jittered = base * (0.5 + 0.5 * Double.random(in: 0...1, using: &rng))
        return .nanoseconds(Int64(jittered))
    }

    /// Call when a connection ends; a long one resets the sequence.
    public mutating func connectionEnded(after lasted: Duration) {
        if lasted >= resetAfter { attempt = 0 }
    }

    public mutating func reset() { attempt = 0 }

    private func pow2(_ n: Int) -> Double { n >= 62 ? Double(Int64.max) : Double(Int64(1) << Int64(n)) }
}
