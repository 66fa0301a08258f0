import Curl

/// The dispatcher's send step: hands one request over, calls `completion`
/// once with the result, and returns what cancels the request. The HTTP
/// client in the daemon; a fake in the dispatcher's tests.
public struct DeliverySender: Sendable {
    public typealias Completion = @Sendable (Result<HTTPResponse, HTTPClientError>) -> Void
    public typealias Cancel = @Sendable () -> Void

    public var send: @Sendable (HTTPRequest, @escaping Completion) -> Cancel

    public init(send: @escaping @Sendable (HTTPRequest, @escaping Completion) -> Cancel) { self.send = send }

    /// Sends through libcurl.
    public static func client(_ client: HTTPClient) -> DeliverySender {
        DeliverySender { request, completion in
            let handle = client.send(request, completion: completion)
            return { handle.cancel() }
        }
    }
}
