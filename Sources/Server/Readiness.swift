/// Whether the daemon can do its work, for `GET /readyz`: rules loaded,
/// queue writable, source connected.
public struct Readiness: Sendable, Equatable {
    /// Why it is not ready, one sentence each; empty when ready.
    public var reasons: [String]

    public init(reasons: [String]) { self.reasons = reasons }

    public var isReady: Bool { reasons.isEmpty }
}
