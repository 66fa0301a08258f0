/// One extension's view of one call, identified by (customer, uuid, extension).
public struct CallLeg: Sendable, Hashable {
    public struct Key: Hashable, Sendable {
        public let customer: String
        public let uuid: String
        public let `extension`: String
        /// The three strings hashed once (with the process's seeded
        /// `Hasher`, as a dictionary would): the tracker looks a key up two
        /// or three times per event, each a hash of one integer instead of
        /// three strings.
        private let fingerprint: Int

        public init(customer: String, uuid: String, extension: String) {
            self.customer = customer
            self.uuid = uuid
            self.extension = `extension`
            var h = Hasher()
            h.combine(customer)
            h.combine(uuid)
            h.combine(`extension`)
            fingerprint = h.finalize()
        }

        public static func == (a: Key, b: Key) -> Bool {
            a.fingerprint == b.fingerprint && a.uuid == b.uuid && a.extension == b.extension && a.customer == b.customer
        }

        public func hash(into hasher: inout Hasher) { hasher.combine(fingerprint) }
    }

    public var key: Key
    public var direction: Direction
    public var caller: String
    public var callerContext: String?
    public var callee: String
    public var calleeContext: String?
    public var callerName: String?
    public var calleeName: String?
    /// Time of the first event seen for this leg.
    public var started: EventTime
    public var answeredAt: EventTime?
    public var endedAt: EventTime?
    /// The start of the call was not seen (the stream joined mid-call).
    public var partial: Bool
    public var cause: EndCause?
    /// The PBX's raw error value, if any.
    public var error: String?
    /// Time of the latest event (its `updated`, else its arrival).
    public var lastSeen: EventTime
    /// Arrival time of the latest event, on the source's clock: silence
    /// (`max_ring`, `max_talk`, retention) is measured on it, so events
    /// with old or skewed `updated` values are not ended at once.
    public var lastArrival: EventTime
    /// Why callhook ended this leg itself (cause `lost`); nil when the
    /// PBX's own end was seen or the leg is still open.
    public var reconciledBy: ReconcileReason? = nil
    /// Phases already fired for this leg (each at most once).
    public var fired: PhaseSet

    public var answered: Bool { answeredAt != nil }

    /// The end of the call was not seen and callhook ended it (`call.reconciled`).
    public var reconciled: Bool { reconciledBy != nil }

    /// Talk time: answer to hang-up (zero if never answered).
    public var talkDuration: Duration {
        guard let a = answeredAt, let e = endedAt else { return .zero }
        return max(.zero, e - a)
    }

    /// Ring time: first event to answer, or to hang-up if never answered.
    public var ringDuration: Duration {
        guard let end = answeredAt ?? endedAt else { return .zero }
        return max(.zero, end - started)
    }

    /// The number of the other party: the caller of an inbound call, the
    /// callee of an outbound one.
    public var remoteNumber: String { direction == .inbound ? caller : callee }
    public var remoteContext: String? { direction == .inbound ? callerContext : calleeContext }
    public var remoteName: String? { direction == .inbound ? callerName : calleeName }
    public var localNumber: String { direction == .inbound ? callee : caller }
}
