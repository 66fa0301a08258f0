import Calls

/// What a source hands to the pipeline.
public enum SourceEvent: Sendable {
    case call(CallEvent, arrival: EventTime)
    /// `snapshot` is true for the states a stream sends on connect.
    case line(LineStateEvent, snapshot: Bool, arrival: EventTime)
    /// One account's extension directory (number → name).
    case directory([String: String], customer: String)
    case connected(Bool)
    /// The account's line states, taken after its calls stream reconnected:
    /// open legs of idle extensions end as `lost` (runtime.md, "No call is
    /// left open").
    case reconcile(LineSnapshot)
    /// A problem that did not stop the source (malformed data, a failed request).
    case error(kind: String)
}

/// Where a source delivers its events. Awaited, so a slow pipeline slows
/// the source down instead of piling events up in memory.
public protocol EventSink: Sendable {
    func receive(_ event: SourceEvent) async
}
