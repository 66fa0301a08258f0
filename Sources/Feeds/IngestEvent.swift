import Calls

/// One event decoded from an ingest body: a call object or a line-state object
/// (runtime.md, "Events").
public enum IngestEvent: Sendable, Hashable {
    case call(CallEvent)
    case line(LineStateEvent)

    /// The event as a source hands it to the pipeline. Ingested line states
    /// are changes, never a connect snapshot.
    public func sourceEvent(arrival: EventTime) -> SourceEvent {
        switch self {
        case .call(let e): .call(e, arrival: arrival)
        case .line(let e): .line(e, snapshot: false, arrival: arrival)
        }
    }
}
