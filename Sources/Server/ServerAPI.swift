/// `POST /v1/events` and `POST /v1/ingest/sipgate`: the body has been read
/// (at most `IngestRoutes.bodyLimit` bytes) and the token checked.
public protocol IngestAPI: Sendable {
    /// Canonical events; answers 202 `{"accepted": N}` once every request
    /// they caused is committed to the queue.
    func events(body: [UInt8], contentType: String?) async -> APIAnswer
    /// A sipgate.io push. `queryToken`: the ingest token when it came as
    /// `?token=` (the XML answer's follow-up URLs then carry it too).
    /// `host`: the request's `Host` header.
    func sipgate(body: [UInt8], contentType: String?, queryToken: String?, host: String?) async -> APIAnswer
}

/// The admin endpoints; the token has been checked.
public protocol AdminAPI: Sendable {
    /// `GET /v1/deliveries?status=&target=&call=&limit=&cursor=`.
    func deliveries(query: [String: String]) async -> APIAnswer
    /// `GET /v1/deliveries/{id}`.
    func delivery(id: String) async -> APIAnswer
    /// `POST /v1/deliveries/{id}/retry`.
    func retry(id: String) async -> APIAnswer
    /// `POST /v1/deliveries/retry?status=dead[&target=]`.
    func retryAll(query: [String: String]) async -> APIAnswer
    /// `POST /v1/rules/reload`.
    func reloadRules() async -> APIAnswer
    /// `GET /v1/calls`.
    func calls() async -> APIAnswer
}

/// The token-protected endpoints of the daemon's server and their tokens.
/// Without a token an endpoint group answers 404.
public struct ServerAPI: Sendable {
    public var ingest: (any IngestAPI)?
    public var ingestAuth: BearerAuth
    public var admin: (any AdminAPI)?
    public var adminAuth: BearerAuth

    public init(
        ingest: (any IngestAPI)? = nil, ingestToken: String? = nil, admin: (any AdminAPI)? = nil, adminToken: String? = nil
    ) {
        self.ingest = ingest
        self.ingestAuth = BearerAuth(token: ingest == nil ? nil : ingestToken)
        self.admin = admin
        self.adminAuth = BearerAuth(token: admin == nil ? nil : adminToken)
    }
}
