/// The line states of one account's extensions at one moment: the answer
/// to `GET …/extensions/phone/states` with `Accept: application/json`,
/// taken after a calls stream reconnected, to end the legs whose hang-up
/// was lost in the outage.
public struct LineSnapshot: Sendable, Hashable {
    /// The account (K-account) the snapshot is of; a state without its own
    /// `customer` belongs to it.
    public var customer: String
    public var states: [LineStateEvent]
    /// When the request was sent (the source's clock). A leg with an event
    /// that arrived after this is newer than the snapshot and is left alone.
    public var requested: EventTime
    /// When the answer arrived (the source's clock): the end time of a
    /// reconciled leg when its extension's state has no `updated`.
    public var arrival: EventTime

    public init(customer: String, states: [LineStateEvent], requested: EventTime, arrival: EventTime) {
        self.customer = customer
        self.states = states
        self.requested = requested
        self.arrival = arrival
    }

    /// Line states in which an extension has no call: `idle`, `offline`.
    /// `ringing`, `in-use` and `unknown` keep its legs open.
    public static let idleLines: Set<String> = ["idle", "offline"]

    /// (customer, extension) → when it went idle (the state's `updated`,
    /// else the snapshot's arrival), for every idle extension.
    public var idleSince: [IdleKey: EventTime] {
        var out: [IdleKey: EventTime] = [:]
        for s in states {
            guard let line = s.line?.lowercased(), Self.idleLines.contains(line) else { continue }
            let time = s.updated.flatMap { EventTime(rfc3339: $0) } ?? arrival
            out[IdleKey(customer: s.customer ?? customer, extension: s.extension)] = time
        }
        return out
    }

    public struct IdleKey: Hashable, Sendable {
        public var customer: String
        public var `extension`: String
    }
}
