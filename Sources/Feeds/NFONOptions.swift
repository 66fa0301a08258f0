/// Settings of the NFON CTI API source (`[source.nfon]`).
public struct NFONOptions: Sendable {
    /// e.g. `https://providersupportdata.cloud-cfg.com/v1`
    public var baseURL: String
    public var username: String
    public var password: String
    /// The K-account, sent in the User-Agent.
    public var account: String
    public var lineStates = false
    public var directoryRefresh: Duration = .seconds(900)
    public var idleTimeout: Duration = .seconds(90)
    public var version = "0.1.0"

    public init(baseURL: String, username: String, password: String, account: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.username = username
        self.password = password
        self.account = account
    }

    public var userAgent: String { "callhook/\(version) (\(account))" }
}
