/// What a lookup gave its caller.
public enum LookupOutcome: Sendable, Equatable {
    /// The service knows the number (from the cache or a request).
    case found(LookupResult)
    /// The service answered with an empty array.
    case notFound
    /// No usable answer in time: the call goes on with the number only.
    case unavailable(LookupFailure)

    /// The party's contact, if found.
    public var contact: Contact? {
        if case .found(let r) = self { r.contact } else { nil }
    }

    /// Found and not-found answers are cached; failures are not.
    var isCacheable: Bool {
        if case .unavailable = self { false } else { true }
    }
}

/// Why a lookup is unavailable. Descriptions are safe to log: they never
/// contain the URL's query, the headers or the answer's content.
public enum LookupFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// No answer within `timeout`.
    case timeout
    /// The service answered 404: per the protocol it is not reachable
    /// (an unknown number is `200 []`, not 404).
    case serviceNotFound
    /// Another status than 2xx or 404.
    case status(Int)
    /// The answer could not be read (too large, not JSON, not an array).
    case badAnswer(LookupAnswerError)
    /// The request failed (connect, TLS, transport), with libcurl's message.
    case transport(String)
    /// The caller's task was cancelled while it waited.
    case cancelled

    public var description: String {
        switch self {
        case .timeout: "the lookup service did not answer in time"
        case .serviceNotFound: "the lookup service answered 404 (not reachable at this URL)"
        case .status(let s): "the lookup service answered with status \(s)"
        case .badAnswer(let e): e.description
        case .transport(let m): "the lookup request failed: \(m)"
        case .cancelled: "the lookup was cancelled"
        }
    }

    /// The `result` label of `callhook_lookup_total`: timeout or error.
    var metricResult: LookupMetrics.Result {
        self == .timeout ? .timeout : .error
    }
}
