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
