/// Why callhook ended a call leg whose end it never saw (cause `lost`);
/// the `reason` label of `callhook_calls_reconciled_total`.
public enum ReconcileReason: String, Sendable, Hashable, CaseIterable {
    /// A states snapshot after a calls-stream reconnect found the extension idle.
    case snapshot
    /// A leg that was never answered had no event for `[calls] max_ring`.
    case maxRing = "max_ring"
    /// An answered leg had no event for `[calls] max_talk`.
    case maxTalk = "max_talk"
}
