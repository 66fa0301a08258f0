import Calls

/// An HTTP endpoint that webhooks send to, with its limits (`[target.NAME]`).
public struct Target: Sendable {
    public var name: String
    public var url: TextTemplate
    public var method: String
    public var headers: [(String, TextTemplate)]
    public var timeout: Duration
    public var connectTimeout: Duration
    public var retry: RetrySettings
    public var concurrency: Int
    /// Requests per second, if limited.
    public var ratePerSecond: Double?
    public var signingSecret: String?
    public var tlsVerify: Bool
    public var caFile: String?
    public var userIDs: [String: String]
}

/// A target's retry settings (`retry = { attempts, initial, factor, max }`).
public struct RetrySettings: Sendable, Hashable {
    public var attempts: Int = 12
    public var initial: Duration = .seconds(1)
    public var factor: Double = 2.0
    public var max: Duration = .seconds(600)

    public init() {}
}
