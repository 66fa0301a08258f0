/// Why a request did not produce a response.
///
/// The message is libcurl's description (host and port at most): it never
/// contains the request's path, query, headers or body, so it is safe to log.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The whole-request timeout fired.
        case timeout
        /// Could not connect (refused, unreachable, connect timeout, DNS).
        case connect
        /// TLS handshake or certificate verification failed.
        case tls
        /// The request was cancelled by its caller.
        case cancelled
        /// The request could not be built (bad URL, unsupported scheme, …).
        case invalidRequest
        /// The client has been shut down.
        case shutdown
        /// Anything else libcurl reported (connection reset, bad response, …).
        case transport
    }

    public var kind: Kind
    /// libcurl's result code, 0 when the error did not come from libcurl.
    public var code: Int
    public var message: String

    public init(kind: Kind, code: Int = 0, message: String) {
        self.kind = kind
        self.code = code
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }

    /// Connection errors, timeouts and TLS failures (a reset handshake, a
    /// certificate the trust store does not accept yet): trying again may
    /// succeed. The delivery retry decision is `RetryPolicy.handling(of:)`.
    public var isRetryable: Bool {
        switch kind {
        case .timeout, .connect, .tls, .transport: true
        case .cancelled, .invalidRequest, .shutdown: false
        }
    }
}
