/// The moments of a call that rules react to (`on` in a rule).
public enum Phase: String, Sendable, Hashable, CaseIterable, Codable {
    /// First ring of an inbound call.
    case incoming
    /// An extension starts an outbound call.
    case outgoing
    /// The call was answered.
    case answered
    /// Hang-up of any call.
    case ended
    /// Hang-up of an inbound call that was never answered (fires after `ended`).
    case missed
    /// A line-state or presence change of an extension.
    case line
}

/// How a call ended, normalized across PBX error values.
public enum EndCause: String, Sendable, Hashable, CaseIterable, Codable {
    /// Hung up after it was answered.
    case answered
    /// Never answered, and nobody refused it (ring timeout, caller gave up on an inbound call).
    case missed
    case busy
    /// The called party rejected it (`reject`).
    case rejected
    /// An outbound call given up by the caller before it was answered.
    case cancelled
    /// Anything else the PBX reported (`unspecified` or unknown errors).
    case failed
    /// Its end was never seen: callhook ended it (a states snapshot after a
    /// reconnect found the extension idle, or the leg stayed silent past
    /// `[calls] max_ring` / `max_talk`). The end time is approximate.
    case lost
}
