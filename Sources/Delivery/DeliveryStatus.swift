/// Where a delivery stands (runtime.md, "Delivery").
public enum DeliveryStatus: String, Sendable, CaseIterable, Codable {
    /// Queued: waiting to be sent, being sent, or waiting for its next attempt.
    case pending
    /// A 2xx answer came.
    case delivered
    /// Given up: a status that is not retried, or out of attempts.
    case dead
}
