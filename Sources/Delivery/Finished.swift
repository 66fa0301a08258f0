import Curl

/// One attempt that came back to the dispatcher's loop.
struct Finished: Sendable {
    var delivery: Delivery
    /// The attempt's number (1-based).
    var attempt: Int
    /// Epoch milliseconds.
    var startedAt: Int64
    var durationSeconds: Double
    var result: Result<HTTPResponse, HTTPClientError>
}
