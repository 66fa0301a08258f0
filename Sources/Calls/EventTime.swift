/// A point in time as nanoseconds since the Unix epoch (UTC).
///
/// The engine never reads a clock: every time comes from an event's
/// `updated` field or from an injected clock, so replays are deterministic.
public struct EventTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }
    public init(seconds: Double) { self.nanoseconds = Int64(seconds * 1e9) }

    public static func < (a: EventTime, b: EventTime) -> Bool { a.nanoseconds < b.nanoseconds }

    /// Saturates at the ends of the range instead of trapping: event times
    /// come from outside (a PBX's `updated`), and no value may crash.
    public static func + (t: EventTime, d: Duration) -> EventTime {
        let (sum, overflow) = t.nanoseconds.addingReportingOverflow(d.nanoseconds)
        return EventTime(nanoseconds: overflow ? (d.nanoseconds > 0 ? .max : .min) : sum)
    }
    /// Saturating, like `+`.
    public static func - (a: EventTime, b: EventTime) -> Duration {
        let (difference, overflow) = a.nanoseconds.subtractingReportingOverflow(b.nanoseconds)
        return .nanoseconds(overflow ? (a.nanoseconds > b.nanoseconds ? Int64.max : Int64.min) : difference)
    }

    /// Whole seconds since the epoch (floor).
    public var epochSeconds: Int64 {
        nanoseconds >= 0 ? nanoseconds / 1_000_000_000 : (nanoseconds - 999_999_999) / 1_000_000_000
    }

    public var description: String { rfc3339() }
}

extension Duration {
    /// The duration in whole nanoseconds (saturating outside ±292 years).
    public var nanoseconds: Int64 {
        let (s, atto) = components
        let (whole, overflow) = s.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return s > 0 ? .max : .min }
        let (sum, overflow2) = whole.addingReportingOverflow(atto / 1_000_000_000)
        return overflow2 ? (s > 0 ? .max : .min) : sum
    }

    /// The duration in whole seconds, rounded down.
    public var wholeSeconds: Int64 { components.seconds }
}
