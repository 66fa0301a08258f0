import Calls
import RuleEngine

/// One queued request and where it stands: a row of the durable queue.
public struct Delivery: Sendable {
    /// Position in the queue; assigned by the store, nil until written.
    public var seq: Int64?
    /// The delivery id (`Idempotency-Key`, `webhook-id`).
    public var id: String
    public var rule: String
    public var target: String
    public var phase: String
    public var callID: String
    /// Requests with the same key go out in order (`RenderedRequest.orderKey`).
    public var orderKey: String
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// The parts filled in with `call.vars` values at send time.
    public var lateBound: LateBoundRequest?
    /// The row holds `call.vars` values: as `lateBound`, or, in a row written
    /// by an older version, as markers in the text escaped by `bodyEscaping`
    /// in the body.
    public var usesCallVars: Bool
    public var bodyEscaping: Escaping
    public var capture: [String: String]
    /// When the event happened, nanoseconds since the epoch.
    public var eventTime: Int64
    /// Milliseconds since the epoch.
    public var createdAt: Int64
    public var status: DeliveryStatus
    /// Attempts made so far.
    public var attempts: Int
    /// Not sent before this time (milliseconds since the epoch).
    public var nextAttemptAt: Int64
    public var lastStatus: Int?
    public var lastError: String?
    public var finishedAt: Int64?

    public init(_ r: RenderedRequest, now: Int64) {
        seq = nil
        id = r.deliveryID
        rule = r.rule
        target = r.target
        phase = r.phase.rawValue
        callID = r.callID
        orderKey = r.orderKey.isEmpty ? "id|\(r.deliveryID)" : r.orderKey
        method = r.method
        url = r.url
        headers = r.headers
        body = r.body
        lateBound = r.lateBound
        usesCallVars = r.usesCallVars
        bodyEscaping = .none
        capture = r.capture
        eventTime = r.eventTime.nanoseconds
        createdAt = now
        status = .pending
        attempts = 0
        nextAttemptAt = now
    }

    /// A row as a store reads it back.
    public init(
        seq: Int64?, id: String, rule: String, target: String, phase: String, callID: String, orderKey: String, method: String,
        url: String, headers: [(name: String, value: String)], body: [UInt8]?, lateBound: LateBoundRequest?,
        bodyEscaping: Escaping,
        usesCallVars: Bool, capture: [String: String], eventTime: Int64, createdAt: Int64, status: DeliveryStatus, attempts: Int,
        nextAttemptAt: Int64, lastStatus: Int?, lastError: String?, finishedAt: Int64?
    ) {
        self.seq = seq
        self.id = id
        self.rule = rule
        self.target = target
        self.phase = phase
        self.callID = callID
        self.orderKey = orderKey
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.lateBound = lateBound
        self.bodyEscaping = bodyEscaping
        self.usesCallVars = usesCallVars
        self.capture = capture
        self.eventTime = eventTime
        self.createdAt = createdAt
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.finishedAt = finishedAt
    }
}
