/// One server-sent event, as dispatched by `SSEParser`.
public struct SSEEvent: Sendable, Hashable {
    /// The `event` field, `message` when absent.
    public var type: String
    /// The `data` lines joined with newlines.
    public var data: String
    /// The last event id seen on the stream (sticky across events).
    public var lastEventID: String

    public init(type: String = "message", data: String, lastEventID: String = "") {
        self.type = type
        self.data = data
        self.lastEventID = lastEventID
    }
}

/// What the parser reports besides events.
public enum SSEItem: Sendable, Hashable {
    case event(SSEEvent)
    /// A comment line (`: heartbeat`); proof that the stream is alive.
    case comment(String)
    /// The server asked for this reconnection delay, in milliseconds.
    case retry(Int)
    /// A line longer than the parser's bound: it and the rest of its event
    /// were skipped.
    case lineTooLong(bytes: Int)
}
