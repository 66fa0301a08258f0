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
