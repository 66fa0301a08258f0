/// One sipgate.io push request (developer.sipgate.io, "Push API"), decoded
/// from its form body. Field names are sipgate.io's.
///
/// `newCall` carries `user[]`, `userId[]`, `fullUserId[]` (always arrays,
/// even for one user: the receiving users of an inbound call, the calling
/// user of an outbound one); `answer` carries the answering `user`,
/// `userId`, `fullUserId` singular; `hangup` carries `cause`.
public struct SipgatePush: Sendable, Hashable {
    /// The `event` field.
    public enum Event: Sendable, Hashable {
        case newCall
        case answer
        case hangup
        /// `dtmf` and anything sipgate.io adds later: accepted, no call events.
        case other(String)

        init(_ raw: String) {
            switch raw {
            case "newCall": self = .newCall
            case "answer": self = .answer
            case "hangup": self = .hangup
            default: self = .other(raw)
            }
        }

        /// `newCall`, `answer` or `hangup`: an event that maps onto call objects.
        public var isCall: Bool {
            if case .other = self { return false }
            return true
        }
    }

    /// The `direction` field: `in` or `out`, from the users' point of view.
    public enum Direction: String, Sendable, Hashable {
        case `in`
        case out
    }

    public var event: Event
    /// Required for `newCall`, `answer` and `hangup`.
    public var callId: String
    public var origCallId: String?
    /// A number such as `492111234567`, or `anonymous`.
    public var from: String?
    public var to: String?
    public var direction: Direction?
    /// `user[]` (newCall), or the singular `user` (answer).
    public var users: [String]
    /// `userId[]` (newCall), or the singular `userId` (answer).
    public var userIds: [String]
    /// `fullUserId[]` (newCall), or the singular `fullUserId` (answer).
    public var fullUserIds: [String]
    public var answeringNumber: String?
    /// The originally dialled number of a diverted call.
    public var diversion: String?
    /// The hang-up cause: `normalClearing`, `busy`, `cancel`, `noAnswer`,
    /// `congestion`, `notFound`, `forwarded`.
    public var cause: String?
    public var xcid: String?

    public init(
        event: Event, callId: String, origCallId: String? = nil, from: String? = nil, to: String? = nil,
        direction: Direction? = nil, users: [String] = [], userIds: [String] = [], fullUserIds: [String] = [],
        answeringNumber: String? = nil, diversion: String? = nil, cause: String? = nil, xcid: String? = nil
    ) {
        self.event = event
        self.callId = callId
        self.origCallId = origCallId
        self.from = from
        self.to = to
        self.direction = direction
        self.users = users
        self.userIds = userIds
        self.fullUserIds = fullUserIds
        self.answeringNumber = answeringNumber
        self.diversion = diversion
        self.cause = cause
        self.xcid = xcid
    }

    /// Reads a push from its form fields. Throws (400) when `event` is
    /// missing, when a call event has no `callId`, or when `direction` is
    /// neither `in` nor `out`; unknown fields are ignored.
    public init(form: FormBody) throws(IngestError) {
        guard let raw = form.first("event"), !raw.isEmpty else { throw IngestError(field: "event", "missing") }
        event = Event(raw)
        let id = form.first("callId") ?? ""
        if id.isEmpty && event.isCall { throw IngestError(field: "callId", "missing") }
        callId = id
        func text(_ name: String) -> String? { form.first(name).flatMap { $0.isEmpty ? nil : $0 } }
        func list(_ name: String) -> [String] {
            let many = form.all(name + "[]")
            return many.isEmpty ? form.all(name) : many
        }
        origCallId = text("origCallId")
        from = text("from")
        to = text("to")
        if let d = text("direction") {
            guard let parsed = Direction(rawValue: d) else {
                throw IngestError(field: "direction", "expected \"in\" or \"out\"")
            }
            direction = parsed
        } else if event == .newCall {
            throw IngestError(field: "direction", "missing")
        }
        users = list("user")
        userIds = list("userId")
        fullUserIds = list("fullUserId")
        answeringNumber = text("answeringNumber")
        diversion = text("diversion")
        cause = text("cause")
        xcid = text("xcid")
    }

    /// Reads a push from a raw form body.
    public init(body: [UInt8]) throws(IngestError) {
        try self.init(form: try FormBody(body))
    }
}
