import Calls

/// What the pipeline publishes to agents: one phase of one call leg.
///
/// Plain values (no rule-engine types): the wiring fills them from the
/// engine's result — `call` from the leg's uuid, `remote.number` from
/// `CallLeg.remoteNumber`, `remote.className` from `Classification.name`,
/// `ringtone` from `EngineResult.ringtone`, `alertInfo` from
/// `Classification.alertInfo`, `cause` from `CallLeg.cause`.
public struct AgentEvent: Sendable, Hashable {
    /// The SSE `event:` name.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case ring
        case answered
        case ended
    }

    /// The other party, as the agent shows it.
    public struct Remote: Sendable, Hashable {
        /// The number as the PBX sent it.
        public var number: String
        /// E.164 (`+49…`) when the number could be normalised.
        public var e164: String?
        /// The name if known, else the number.
        public var display: String
        public var name: String?
        public var company: String?
        /// The classification's name (`vip`, `internal`, `external`, …).
        public var className: String?

        public init(
            number: String, e164: String? = nil, display: String? = nil, name: String? = nil, company: String? = nil,
            className: String? = nil
        ) {
            self.number = number
            self.e164 = e164
            self.display = display ?? name ?? number
            self.name = name
            self.company = company
            self.className = className
        }
    }

    public var kind: Kind
    /// The call's id (the PBX's uuid).
    public var call: String
    public var customer: String
    public var `extension`: String
    public var direction: Direction
    /// Sent with every kind when known; the web page needs it only on `ring`.
    public var remote: Remote?
    /// The ringtone name for `ring` (`vip`, `internal`, `external`, `default`, or a rule's own).
    public var ringtone: String?
    /// Passed through verbatim from the class (`<urn:alert:service:vip>`).
    public var alertInfo: String?
    /// Why the call ended (`ended` only): `answered`, `missed`, `busy`, …
    public var cause: String?
    /// When it happened (the event's time).
    public var time: EventTime?

    public init(
        kind: Kind, call: String, customer: String, extension: String, direction: Direction, remote: Remote? = nil,
        ringtone: String? = nil, alertInfo: String? = nil, cause: String? = nil, time: EventTime? = nil
    ) {
        self.kind = kind
        self.call = call
        self.customer = customer
        self.extension = `extension`
        self.direction = direction
        self.remote = remote
        self.ringtone = ringtone
        self.alertInfo = alertInfo
        self.cause = cause
        self.time = time
    }

    /// A `ring`; a nil or empty ringtone becomes `default`.
    public static func ring(
        call: String, customer: String, extension: String, direction: Direction, remote: Remote, ringtone: String?,
        alertInfo: String? = nil, time: EventTime? = nil
    ) -> AgentEvent {
        let tone = (ringtone?.isEmpty ?? true) ? "default" : ringtone!
        return AgentEvent(
            kind: .ring, call: call, customer: customer, extension: `extension`, direction: direction, remote: remote,
            ringtone: tone, alertInfo: alertInfo, time: time)
    }

    /// The call leg the event is about, as the hub's ringing table keys it.
    var leg: LegKey { LegKey(customer: customer, call: call, extension: `extension`) }
}

/// (customer, call, extension): one extension's leg of one call.
struct LegKey: Hashable, Sendable {
    var customer: String
    var call: String
    var `extension`: String
}
