/// A change of an extension's line state or presence.
public struct LineChange: Sendable, Hashable {
    public var customer: String
    public var `extension`: String
    public var line: String?
    public var presence: String?
    public var previousLine: String?
    public var previousPresence: String?
    public var time: EventTime
}

/// Remembers each extension's line state and presence and reports changes.
///
/// The snapshot a states stream sends on connect only records states; each
/// later change fires one `LineChange` carrying the previous values.
public struct LineTracker: Sendable {
    struct Key: Hashable { var customer: String; var `extension`: String }
    private var states: [Key: (line: String?, presence: String?)] = [:]

    public init() {}

    public mutating func ingest(_ event: LineStateEvent, snapshot: Bool, arrival: EventTime) -> LineChange? {
        let key = Key(customer: event.customer ?? "", extension: event.extension)
        let previous = states[key]
        states[key] = (event.line ?? previous?.line, event.presence ?? previous?.presence)
        guard !snapshot else { return nil }
        if let previous, previous.line == (event.line ?? previous.line),
            previous.presence == (event.presence ?? previous.presence)
        {
            return nil  // a repeat, not a change
        }
        return LineChange(
            customer: key.customer, extension: key.extension, line: event.line ?? previous?.line,
            presence: event.presence ?? previous?.presence, previousLine: previous?.line,
            previousPresence: previous?.presence,
            time: event.updated.flatMap { EventTime(rfc3339: $0) } ?? arrival)
    }

    public var count: Int { states.count }
}
