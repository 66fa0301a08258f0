/// One HTTP request for the libcurl client.
///
/// Values only: building a request does no I/O. Timeouts are per request so
/// that each target can carry its own.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    /// Header fields in the order they are sent. Names are sent as given.
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Whole request, connect to last byte. `nil` means no limit (streams).
    public var timeout: Duration?
    public var connectTimeout: Duration
    /// How much of the response body is kept; the rest is read and discarded.
    public var maxResponseBytes: Int
    public var tls: TLSOptions

    public init(
        method: String = "GET",
        url: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil,
        timeout: Duration? = .seconds(10),
        connectTimeout: Duration = .seconds(3),
        maxResponseBytes: Int = 64 * 1024,
        tls: TLSOptions = TLSOptions()
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.maxResponseBytes = maxResponseBytes
        self.tls = tls
    }

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }
}

/// TLS settings of a request. Verification is on unless turned off.
public struct TLSOptions: Sendable, Hashable {
    /// Verify the server's certificate chain and host name.
    public var verify: Bool
    /// An extra PEM file of trusted roots, added to the system's.
    public var caFile: String?

    public init(verify: Bool = true, caFile: String? = nil) {
        self.verify = verify
        self.caFile = caFile
    }
}
