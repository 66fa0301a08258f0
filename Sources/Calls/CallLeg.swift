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

        /// What a dictionary asks for: the fingerprint (already a seeded
        /// SipHash of the strings) hashed with the table's own seed by
        /// `Int`'s one-word path, not through a whole `Hasher` (a twelfth
        /// of the engine's time, docs/benchmarks.md). Each table keeps its
        /// own seed, so copying one table into another in its order stays
        /// linear.
        public func _rawHashValue(seed: Int) -> Int { fingerprint._rawHashValue(seed: seed) }
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
        @inlinable _read { yield storage.fields.pointee.key }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.key
        }
    }
    public var direction: Direction {
        @inlinable _read { yield storage.fields.pointee.direction }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.direction
        }
    }
    public var caller: String {
        @inlinable _read { yield storage.fields.pointee.caller }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.caller
        }
    }
    public var callerContext: String? {
        @inlinable _read { yield storage.fields.pointee.callerContext }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.callerContext
        }
    }
    public var callee: String {
        @inlinable _read { yield storage.fields.pointee.callee }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.callee
        }
    }
    public var calleeContext: String? {
        @inlinable _read { yield storage.fields.pointee.calleeContext }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.calleeContext
        }
    }
    public var callerName: String? {
        @inlinable _read { yield storage.fields.pointee.callerName }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.callerName
        }
    }
    public var calleeName: String? {
        @inlinable _read { yield storage.fields.pointee.calleeName }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.calleeName
        }
    }
    /// Time of the first event seen for this leg.
    public var started: EventTime {
        @inlinable _read { yield storage.fields.pointee.started }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.started
        }
    }
    public var answeredAt: EventTime? {
        @inlinable _read { yield storage.fields.pointee.answeredAt }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.answeredAt
        }
    }
    public var endedAt: EventTime? {
        @inlinable _read { yield storage.fields.pointee.endedAt }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.endedAt
        }
    }
    /// The start of the call was not seen (the stream joined mid-call).
    public var partial: Bool {
        @inlinable _read { yield storage.fields.pointee.partial }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.partial
        }
    }
    public var cause: EndCause? {
        @inlinable _read { yield storage.fields.pointee.cause }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.cause
        }
    }
    /// The PBX's raw error value, if any.
    public var error: String? {
        @inlinable _read { yield storage.fields.pointee.error }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.error
        }
    }
    /// Time of the latest event (its `updated`, else its arrival).
    public var lastSeen: EventTime {
        @inlinable _read { yield storage.fields.pointee.lastSeen }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.lastSeen
        }
    }
    /// Arrival time of the latest event, on the source's clock: silence
    /// (`max_ring`, `max_talk`, retention) is measured on it, so events
    /// with old or skewed `updated` values are not ended at once.
    public var lastArrival: EventTime {
        @inlinable _read { yield storage.fields.pointee.lastArrival }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.lastArrival
        }
    }
    /// Why callhook ended this leg itself (cause `lost`); nil when the
    /// PBX's own end was seen or the leg is still open.
    public var reconciledBy: ReconcileReason? {
        @inlinable _read { yield storage.fields.pointee.reconciledBy }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.reconciledBy
        }
    }
    /// Phases already fired for this leg (each at most once).
    public var fired: PhaseSet {
        @inlinable _read { yield storage.fields.pointee.fired }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.fired
        }
    }

    /// What the leg's user derived from it and keeps with it (the engine:
    /// its parties' normalized numbers, docs/architecture.md), set by the
    /// tracker through `ingest`'s `annotate`. Not part of the leg's value:
    /// equality and hashing ignore it.
    public var annotation: (any LegAnnotation)? {
        @inlinable _read { yield storage.fields.pointee.annotation }
        @inlinable _modify {
            makeUnique()
            yield &storage.fields.pointee.annotation
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
        let x = a.storage.fields.pointee
        let y = b.storage.fields.pointee
        return x.key == y.key && x.direction == y.direction && x.caller == y.caller && x.callerContext == y.callerContext
            && x.callee == y.callee && x.calleeContext == y.calleeContext && x.callerName == y.callerName
            && x.calleeName == y.calleeName && x.started == y.started && x.answeredAt == y.answeredAt && x.endedAt == y.endedAt
            && x.partial == y.partial && x.cause == y.cause && x.error == y.error && x.lastSeen == y.lastSeen
            && x.lastArrival == y.lastArrival && x.reconciledBy == y.reconciledBy && x.fired == y.fired
    }

    public func hash(into h: inout Hasher) {
        h.combine(storage.fields.pointee.key)
        h.combine(storage.fields.pointee.direction)
        h.combine(storage.fields.pointee.caller)
        h.combine(storage.fields.pointee.callerContext)
        h.combine(storage.fields.pointee.callee)
        h.combine(storage.fields.pointee.calleeContext)
        h.combine(storage.fields.pointee.callerName)
        h.combine(storage.fields.pointee.calleeName)
        h.combine(storage.fields.pointee.started)
        h.combine(storage.fields.pointee.answeredAt)
        h.combine(storage.fields.pointee.endedAt)
        h.combine(storage.fields.pointee.partial)
        h.combine(storage.fields.pointee.cause)
        h.combine(storage.fields.pointee.error)
        h.combine(storage.fields.pointee.lastSeen)
        h.combine(storage.fields.pointee.lastArrival)
        h.combine(storage.fields.pointee.reconciledBy)
        h.combine(storage.fields.pointee.fired)
    }
}

extension CallLeg: CustomDebugStringConvertible {
    /// The fields, as a struct of them would print (test failures, `dump`).
    public var debugDescription: String { "CallLeg(\(String(reflecting: storage.fields.pointee)))" }
}
