/// The fields of one `CallLeg`, shared between its copies until one of
/// them changes (copy-on-write). A leg is copied into every phase event it
/// fires, into each phase's evaluation context and into the engine's
/// result: as a struct of a dozen strings each copy retained every one of
/// them, a fifth of the engine's time (docs/benchmarks.md). Shared, a copy
/// is one retain.
///
/// A `ManagedBuffer` whose header holds the fields: they are read and
/// changed through its pointer, without the run-time exclusivity check
/// every stored property of a class costs (6 % of the engine's time as a
/// class of stored properties).
/// A storage is changed only through `CallLeg`'s accessors, and only while
/// that leg holds the one reference to it.
@usableFromInline final class CallLegStorage: ManagedBuffer<CallLegFields, Void> {
    @usableFromInline static func make(_ fields: CallLegFields) -> CallLegStorage {
        unsafeDowncast(create(minimumCapacity: 0) { _ in fields }, to: CallLegStorage.self)
    }

    /// A storage of its own for a leg about to change a shared one.
    @usableFromInline func copy() -> CallLegStorage { Self.make(fields.pointee) }

    /// The fields, through the buffer's pointer: `header` is a stored
    /// property of the class, and each access to it went through the
    /// run-time exclusivity check. The pointer is used only while the leg
    /// that holds this storage is being read or changed, so the storage
    /// outlives it.
    @inlinable var fields: UnsafeMutablePointer<CallLegFields> { withUnsafeMutablePointerToHeader { $0 } }
}

/// `CallLeg`'s fields, as one value.
@usableFromInline struct CallLegFields: Sendable {
    @usableFromInline var key: CallLeg.Key
    @usableFromInline var direction: Direction
    @usableFromInline var caller: String
    @usableFromInline var callerContext: String?
    @usableFromInline var callee: String
    @usableFromInline var calleeContext: String?
    @usableFromInline var callerName: String?
    @usableFromInline var calleeName: String?
    @usableFromInline var started: EventTime
    @usableFromInline var answeredAt: EventTime?
    @usableFromInline var endedAt: EventTime?
    @usableFromInline var partial: Bool
    @usableFromInline var cause: EndCause?
    @usableFromInline var error: String?
    @usableFromInline var lastSeen: EventTime
    @usableFromInline var lastArrival: EventTime
    @usableFromInline var reconciledBy: ReconcileReason?
    @usableFromInline var fired: PhaseSet
    @usableFromInline var annotation: (any AnyObject & Sendable)?

    @usableFromInline init(
        key: CallLeg.Key, direction: Direction, caller: String, callerContext: String?, callee: String, calleeContext: String?,
        callerName: String?, calleeName: String?, started: EventTime, answeredAt: EventTime?, endedAt: EventTime?, partial: Bool,
        cause: EndCause?, error: String?, lastSeen: EventTime, lastArrival: EventTime, reconciledBy: ReconcileReason?,
        fired: PhaseSet, annotation: (any AnyObject & Sendable)? = nil
    ) {
        self.key = key
        self.direction = direction
        self.caller = caller
        self.callerContext = callerContext
        self.callee = callee
        self.calleeContext = calleeContext
        self.callerName = callerName
        self.calleeName = calleeName
        self.started = started
        self.answeredAt = answeredAt
        self.endedAt = endedAt
        self.partial = partial
        self.cause = cause
        self.error = error
        self.lastSeen = lastSeen
        self.lastArrival = lastArrival
        self.reconciledBy = reconciledBy
        self.fired = fired
        self.annotation = annotation
    }
}
