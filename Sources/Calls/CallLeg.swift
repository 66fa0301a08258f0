/// One extension's view of one call, identified by (customer, uuid, extension).
///
/// `@unchecked Sendable`: its one stored property is the copy-on-write
/// storage (`CallLegStorage`), changed only while this leg holds the one
/// reference to it; a leg sent elsewhere shares it read-only.
public struct CallLeg: @unchecked Sendable, Hashable {
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

    /// The fields, shared by copies of this leg until one changes.
    @usableFromInline var storage: CallLegStorage

    init(
        key: Key,
        direction: Direction,
        caller: String,
        callerContext: String?,
        callee: String,
        calleeContext: String?,
        callerName: String?,
        calleeName: String?,
        started: EventTime,
        answeredAt: EventTime?,
        endedAt: EventTime?,
        partial: Bool,
        cause: EndCause?,
        error: String?,
        lastSeen: EventTime,
        lastArrival: EventTime,
        reconciledBy: ReconcileReason? = nil,
        fired: PhaseSet
    ) {
        storage = CallLegStorage.make(
            CallLegFields(
                key: key, direction: direction, caller: caller, callerContext: callerContext, callee: callee,
                calleeContext: calleeContext, callerName: callerName, calleeName: calleeName, started: started,
                answeredAt: answeredAt, endedAt: endedAt, partial: partial, cause: cause, error: error, lastSeen: lastSeen,
                lastArrival: lastArrival, reconciledBy: reconciledBy, fired: fired))
    }

    /// Gives this leg a storage of its own before a change.
    @inlinable mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    }

    /// The leg's identity: customer, call, extension.
    public var key: Key {
        @inlinable _read { yield storage.header.key }
        @inlinable _modify {
            makeUnique()
            yield &storage.header.key
        }
    }
    public var direction: Direction {
        @inlinable _read { yield storage.header.direction }
        @inlinable _modify {
            makeUnique()
            yield &storage.header.direction
        }
    }
    public var caller: String {
        @inlinable _read { yield storage.header.caller }
        @inlinable _modify {
            makeUnique()
            yield &storage.header.caller
        }
    }
    public var callerContext: String? {
        @inlinable _read { yield storage.header.callerContext }
        @inlinable _modify {
            makeUnique()
            yield &storage.header.callerContext
        }
    }
    public var callee: String {
        @inlinable _read { yield storage.header.callee }
        @inlinable _modify {
            makeUnique()
            yield &storage.header.callee
        }
    }
    public var calleeContext: String? {
        @inlinable _read { yield storage.header.calleeContext }
        @inlinable _modify {
            makeUnique()
            yield &storage.header.calleeContext
        }
    }
    public var callerName: String? {
        @inlinable _read { yield storage.header.callerName }
        @inlinable _modify {
            makeUnique()
            yield &storage.header.callerName
        }
    }
    public var calleeName: String? {
        @inlinable _read { yield storage.header.calleeName }
        @inlinable _modify {
            makeUnique()
            yield &storage.header.calleeName
        }
    }
    /// Time of the first event seen for this leg.
    public var started: EventTime {
        @inlinable _read { yield storage.header.started }
        @inlinable _modify {
            makeUnique()
            yield &storage.header.started
        }
    }
    public var answeredAt: EventTime? {
        @inlinable _read { yield storage.header.answeredAt }
        @inlinable _modify {
            makeUnique()
            yield &storage.header.answeredAt
        }
    }
    public var endedAt: EventTime? {
        @inlinable _read { yield storage.header.endedAt }
        @inlinable _modify {
            makeUnique()
            yield &storage.header.endedAt
        }
    }
    /// The start of the call was not seen (the stream joined mid-call).
    public var partial: Bool {
        @inlinable _read { yield storage.header.partial }
        @inlinable _modify {
            makeUnique()
            yield &storage.header.partial
        }
    }
    public var cause: EndCause? {
        @inlinable _read { yield storage.header.cause }
        @inlinable _modify {
            makeUnique()
            yield &storage.header.cause
        }
    }
    /// The PBX's raw error value, if any.
    public var error: String? {
        @inlinable _read { yield storage.header.error }
        @inlinable _modify {
            makeUnique()
            yield &storage.header.error
        }
    }
    /// Time of the latest event (its `updated`, else its arrival).
    public var lastSeen: EventTime {
        @inlinable _read { yield storage.header.lastSeen }
        @inlinable _modify {
            makeUnique()
            yield &storage.header.lastSeen
        }
    }
    /// Arrival time of the latest event, on the source's clock: silence
    /// (`max_ring`, `max_talk`, retention) is measured on it, so events
    /// with old or skewed `updated` values are not ended at once.
    public var lastArrival: EventTime {
        @inlinable _read { yield storage.header.lastArrival }
        @inlinable _modify {
            makeUnique()
            yield &storage.header.lastArrival
        }
    }
    /// Why callhook ended this leg itself (cause `lost`); nil when the
    /// PBX's own end was seen or the leg is still open.
    public var reconciledBy: ReconcileReason? {
        @inlinable _read { yield storage.header.reconciledBy }
        @inlinable _modify {
            makeUnique()
            yield &storage.header.reconciledBy
        }
    }
    /// Phases already fired for this leg (each at most once).
    public var fired: PhaseSet {
        @inlinable _read { yield storage.header.fired }
        @inlinable _modify {
            makeUnique()
            yield &storage.header.fired
        }
    }

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
    /// Two legs are equal when every field is, shared storage or not.
    public static func == (a: CallLeg, b: CallLeg) -> Bool {
        if a.storage === b.storage { return true }
        let x = a.storage.header
        let y = b.storage.header
        return x.key == y.key && x.direction == y.direction && x.caller == y.caller && x.callerContext == y.callerContext
            && x.callee == y.callee && x.calleeContext == y.calleeContext && x.callerName == y.callerName
            && x.calleeName == y.calleeName && x.started == y.started && x.answeredAt == y.answeredAt && x.endedAt == y.endedAt
            && x.partial == y.partial && x.cause == y.cause && x.error == y.error && x.lastSeen == y.lastSeen
            && x.lastArrival == y.lastArrival && x.reconciledBy == y.reconciledBy && x.fired == y.fired
    }

    public func hash(into h: inout Hasher) {
        h.combine(storage.header.key)
        h.combine(storage.header.direction)
        h.combine(storage.header.caller)
        h.combine(storage.header.callerContext)
        h.combine(storage.header.callee)
        h.combine(storage.header.calleeContext)
        h.combine(storage.header.callerName)
        h.combine(storage.header.calleeName)
        h.combine(storage.header.started)
        h.combine(storage.header.answeredAt)
        h.combine(storage.header.endedAt)
        h.combine(storage.header.partial)
        h.combine(storage.header.cause)
        h.combine(storage.header.error)
        h.combine(storage.header.lastSeen)
        h.combine(storage.header.lastArrival)
        h.combine(storage.header.reconciledBy)
        h.combine(storage.header.fired)
    }
}

extension CallLeg: CustomDebugStringConvertible {
    /// The fields, as a struct of them would print (test failures, `dump`).
    public var debugDescription: String { "CallLeg(\(String(reflecting: storage.header)))" }
}
