/// What a leg's user derives from the leg and keeps with it
/// (`CallLeg.annotation`; the engine: its parties' normalized numbers).
/// The tracker asks for a new one when a later event fills in a number,
/// and when the kept one's `generation` is not the one `ingest` is given:
/// the user's inputs (rule set, directories) changed since it was made.
public protocol LegAnnotation: AnyObject, Sendable {
    /// The state of the user's inputs it was derived from; never 0.
    var generation: UInt64 { get }
}
