import Synchronization

/// A clock that moves only when told to: for tests of anything that takes
/// a `PipelineClock`. Monotonic and wall time move independently, so a test
/// can step the wall clock without time passing.
public final class ManualClock: Sendable {
    private struct State {
        var monotonic: Int64
        var wall: Int64
        var random: Double
    }

    private let state: Mutex<State>

    public init(wall: EventTime = EventTime(nanoseconds: 1_767_225_600_000_000_000), random: Double = 0.5) {
        state = Mutex(State(monotonic: 1_000_000_000, wall: wall.nanoseconds, random: random))
    }

    /// Lets time pass: both clocks move.
    public func advance(by d: Duration) {
        let n = Self.nanoseconds(d)
        state.withLock {
            $0.monotonic += n
            $0.wall += n
        }
    }

    /// Steps the wall clock only (an operator or NTP setting the time).
    public func stepWall(by d: Duration) {
        let n = Self.nanoseconds(d)
        state.withLock { $0.wall += n }
    }

    /// The value `random` returns from now on.
    public func setRandom(_ r: Double) { state.withLock { $0.random = r } }

    public var clock: PipelineClock {
        PipelineClock(
            monotonicNanoseconds: { self.state.withLock { $0.monotonic } },
            wallTime: { EventTime(nanoseconds: self.state.withLock { $0.wall }) },
            random: { self.state.withLock { $0.random } })
    }

    static func nanoseconds(_ d: Duration) -> Int64 {
        d.components.seconds * 1_000_000_000 + d.components.attoseconds / 1_000_000_000
    }
}
