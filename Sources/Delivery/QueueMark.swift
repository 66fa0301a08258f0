/// What the dispatcher knows it holds of one target's due deliveries on
/// SQLite (`DispatchState.marks`), so that a refill reads no more of the
/// queue than it must.
enum QueueMark: Equatable, Sendable {
    /// Every due delivery is loaded: a commit's own inserts are all there
    /// is to load, and nothing is read.
    case all
    /// Every due delivery up to this queue position is loaded: a refill
    /// reads past it only.
    case upTo(Int64)
}
