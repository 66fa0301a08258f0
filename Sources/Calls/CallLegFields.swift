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
    @usableFromInline var annotation: (any LegAnnotation)?

    @usableFromInline init(
        key: CallLeg.Key, direction: Direction, caller: String, callerContext: String?, callee: String, calleeContext: String?,
        callerName: String?, calleeName: String?, started: EventTime, answeredAt: EventTime?, endedAt: EventTime?, partial: Bool,
        cause: EndCause?, error: String?, lastSeen: EventTime, lastArrival: EventTime, reconciledBy: ReconcileReason?,
        fired: PhaseSet, annotation: (any LegAnnotation)? = nil
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
