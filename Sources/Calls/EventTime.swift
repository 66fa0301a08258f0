/// A point in time as nanoseconds since the Unix epoch (UTC).
///
/// The engine never reads a clock: every time comes from an event's
/// `updated` field or from an injected clock, so replays are deterministic.
public struct EventTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    public init(seconds: Double) { self.nanoseconds = Int64(seconds * 1e9) }

    public static func < (a: EventTime, b: EventTime) -> Bool { a.nanoseconds < b.nanoseconds }

    public static func + (t: EventTime, d: Duration) -> EventTime {
        EventTime(nanoseconds: t.nanoseconds + d.nanoseconds)
    }
    public static func - (a: EventTime, b: EventTime) -> Duration {
        .nanoseconds(a.nanoseconds - b.nanoseconds)
    }

    /// Whole seconds since the epoch (floor).
    public var epochSeconds: Int64 {
        nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000
    }

    public var description: String { rfc3339() }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating far outside ±292 years).
    public var nanoseconds: Int64 {
        let (s, atto) = components
        return s * 1_000_000_000 + atto / 1_000_000_000
    }

    /// The duration in whole seconds, rounded down.
    public var wholeSeconds: Int64 { components.seconds }
}
