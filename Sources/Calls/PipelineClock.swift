#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Time and randomness for the pipeline, the dispatcher, the stores and the
/// feeds, injected so tests can drive them.
///
/// Monotonic time measures intervals (timeouts, watchdogs, backoff, the
/// breaker's pause); it never jumps. Wall time stamps what is stored and
/// shown (queue rows, signatures, `Retry-After` dates); it may be stepped
/// by an operator or NTP and is never used to measure an interval.
public struct PipelineClock: Sendable {
    /// Monotonic nanoseconds from an arbitrary start.
    public var monotonicNanoseconds: @Sendable () -> Int64
    /// Wall-clock time.
    public var wallTime: @Sendable () -> EventTime
    /// A value in [0, 1), for jitter.
    public var random: @Sendable () -> Double

    public init(
        monotonicNanoseconds: @escaping @Sendable () -> Int64, wallTime: @escaping @Sendable () -> EventTime,
        random: @escaping @Sendable () -> Double
    ) {
        self.monotonicNanoseconds = monotonicNanoseconds
        self.wallTime = wallTime
        self.random = random
    }

    /// The system's clocks (CLOCK_MONOTONIC, CLOCK_REALTIME) and its random generator.
    public static let system = PipelineClock(
        monotonicNanoseconds: {
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
        },
        wallTime: { WallClock.now() },
        random: { Double.random(in: 0..<1) })

    /// Wall-clock milliseconds since the epoch.
    public var wallMilliseconds: Int64 { wallTime().nanoseconds / 1_000_000 }
}
