import Calls

/// A request ready to send: every template rendered, every secret in place.
///
/// Print it with `masked(by:)` — never as is.
public struct RenderedRequest: Sendable {
    /// Unique id of this delivery, the same on every retry (`Idempotency-Key`).
    public var deliveryID: String
    public var rule: String
    public var target: String
    public var phase: Phase
    public var callID: String
    /// Requests of one leg and one target keep their order.
    public var leg: CallLeg.Key?
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// When the event that caused it happened.
    public var eventTime: EventTime
    /// The parts that hold `call.vars` values, filled in when the request
    /// is sent; nil when it uses none. `url`, `headers` and `body` then show
    /// each such value as its tag.
    public var lateBound: LateBoundRequest?
    public var usesCallVars: Bool { lateBound != nil }
    /// Response JSON field → `call.vars.NAME`, stored after success.
    public var capture: [String: String] = [:]

    /// Requests with the same key go out in event order: one call leg (or,
    /// for line events, one extension) and one target.
    public var orderKey = ""

    public init(
        deliveryID: String, rule: String, target: String, phase: Phase, callID: String, leg: CallLeg.Key?,
        method: String, url: String, headers: [(name: String, value: String)], body: [UInt8]?, eventTime: EventTime
    ) {
        self.init(
            deliveryID: deliveryID, rule: rule, target: target, phase: phase, callID: callID, leg: leg, method: method,
            url: url, headers: headers, body: body, eventTime: eventTime, capture: [:], orderKey: "")
    }

    /// Every field at once: built in one piece, a request is not copied
    /// whole between its creation and the assignment of these two.
    init(
        deliveryID: String, rule: String, target: String, phase: Phase, callID: String, leg: CallLeg.Key?,
        method: String, url: String, headers: [(name: String, value: String)], body: [UInt8]?, eventTime: EventTime,
        capture: [String: String], orderKey: String
    ) {
        self.deliveryID = deliveryID
        self.rule = rule
        self.target = target
        self.phase = phase
        self.callID = callID
        self.leg = leg
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.eventTime = eventTime
        self.capture = capture
        self.orderKey = orderKey
    }

    public var bodyText: String { body.map { String(decoding: $0, as: UTF8.self) } ?? "" }
}
