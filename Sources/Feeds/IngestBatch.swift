/// The events of one ingest body, in body order.
public struct IngestBatch: Sendable, Hashable {
    /// How the body was read.
    public enum Format: String, Sendable, Hashable {
        /// One JSON object.
        case object
        /// A JSON array of objects.
        case array
        /// One JSON object per line (blank lines ignored).
        case ndjson
    }

    public var format: Format
    public var events: [IngestEvent]

    public init(format: Format, events: [IngestEvent]) {
        self.format = format
        self.events = events
    }

    /// How many events the body held (the `accepted` count of a 202).
    public var count: Int { events.count }
}
