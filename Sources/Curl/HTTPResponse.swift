/// A complete HTTP response as the client kept it.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header fields of the final response (after any 1xx), in order.
    public var headers: [(name: String, value: String)]
    /// At most the request's `maxResponseBytes` of the body.
    public var body: [UInt8]
    /// True when the body was longer than what was kept.
    public var bodyTruncated: Bool
    /// Time from the start of the transfer to its end.
    public var duration: Duration
    /// The HTTP version that was used: 1.0, 1.1, 2 or 3 as reported by libcurl.
    public var httpVersion: HTTPVersion

    public init(
        status: Int,
        headers: [(name: String, value: String)],
        body: [UInt8],
        bodyTruncated: Bool = false,
        duration: Duration = .zero,
        httpVersion: HTTPVersion = .http1_1
    ) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyTruncated = bodyTruncated
        self.duration = duration
        self.httpVersion = httpVersion
    }

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    /// The body as UTF-8 text, with invalid sequences replaced.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// The HTTP version a transfer used.
public enum HTTPVersion: String, Sendable {
    case http1_0 = "HTTP/1.0"
    case http1_1 = "HTTP/1.1"
    case http2 = "HTTP/2"
    case http3 = "HTTP/3"
    case unknown = "unknown"
}

/// The status line and headers of a streamed response, delivered before its body.
public struct HTTPResponseHead: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]

    public init(status: Int, headers: [(name: String, value: String)]) {
        self.status = status
        self.headers = headers
    }

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }
}
