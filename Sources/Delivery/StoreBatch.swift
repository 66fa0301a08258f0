/// Changes the dispatcher writes in one transaction (group commit).
public struct StoreBatch: Sendable {
    /// New deliveries, in event order.
    public var inserts: [Delivery] = []
    /// Results of finished attempts.
    public var outcomes: [Outcome] = []
    /// Values captured from responses: (call id, name, value).
    public var callVars: [(callID: String, name: String, value: String)] = []

    /// What became of one delivery after an attempt.
    public struct Outcome: Sendable {
        public var id: String
        /// The delivery's position, when known: found faster than by id.
        public var seq: Int64?
        public var status: DeliveryStatus
        public var attempts: Int
        public var nextAttemptAt: Int64
        public var lastStatus: Int?
        public var lastError: String?
        public var finishedAt: Int64?
        public var attempt: Attempt?

        public init(
            id: String, seq: Int64? = nil, status: DeliveryStatus, attempts: Int, nextAttemptAt: Int64, lastStatus: Int?,
            lastError: String?,
            finishedAt: Int64?, attempt: Attempt?
        ) {
            self.id = id
            self.seq = seq
            self.status = status
            self.attempts = attempts
            self.nextAttemptAt = nextAttemptAt
            self.lastStatus = lastStatus
            self.lastError = lastError
            self.finishedAt = finishedAt
            self.attempt = attempt
        }
    }

    public init() {}

    public var isEmpty: Bool { inserts.isEmpty && outcomes.isEmpty && callVars.isEmpty }
}
