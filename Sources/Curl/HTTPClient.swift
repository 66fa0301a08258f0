/// An async HTTP client over one libcurl multi handle.
///
/// All requests share the multi handle's connection cache, so requests to
/// the same host reuse connections (HTTP/1.1 keep-alive) or multiplex over
/// one (HTTP/2, when the server offers it over TLS). One thread drives every
/// transfer; callers only wait on continuations.
///
/// Create one per process (or per component that needs its own connection
/// pool) and call `shutdown()` when done.
public final class HTTPClient: Sendable {
    private let loop: CurlMultiLoop

    /// - Parameter maxConnections: size of the shared connection cache.
    public init(maxConnections: Int = 256) {
        loop = CurlMultiLoop(maxConnections: maxConnections)
    }

    deinit { loop.shutdown() }

    /// Stops the client; requests still running fail with `.shutdown`.
    public func shutdown() { loop.shutdown() }

    /// Transfers currently in flight.
    public var inFlight: Int { loop.inFlight.load(ordering: .relaxed) }

    /// Easy handles in use right now (in flight, queued for the loop, or
    /// held by an open stream). Zero once every request has finished and its
    /// stream is released; tests use it to prove nothing leaked.
    package var liveHandles: Int { loop.handles.value.load(ordering: .relaxed) }

    /// Sends a request and returns its response, body kept up to
    /// `request.maxResponseBytes`. Any HTTP status is a response; only
    /// transport failures throw. Cancelling the calling task stops the
    /// transfer and throws `HTTPClientError` of kind `.cancelled`.
    public func execute(_ request: HTTPRequest) async throws(HTTPClientError) -> HTTPResponse {
        // A task cancelled before the request starts makes no handle at all.
        if Task.isCancelled { throw Self.cancelledError }
        let transfer = try Transfer(request: request, streaming: false, handles: loop.handles)
        let loop = self.loop
        do {
            // If the task is cancelled before the continuation is installed,
            // `onCancel` runs first: the transfer ends with `.cancelled`,
            // `install` resumes at once and the loop never adds it.
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (c: CheckedContinuation<HTTPResponse, any Error>) in
                    if transfer.install(.response(c)), !loop.send(.add(transfer)) {
                        transfer.complete(.failure(Self.shutdownError))
                    }
                }
            } onCancel: {
                loop.send(.cancel(transfer, Self.cancelledError))
            }
        } catch let error as HTTPClientError {
            throw error
        } catch {
            throw HTTPClientError(kind: .transport, message: "\(error)")
        }
    }

    /// Sends a request without a task waiting for it: `completion` is called
    /// once, with the response or the error, on the client's own thread (keep
    /// it short). For callers that manage many requests from one loop.
    /// Returns a handle that cancels the request.
    @discardableResult
    public func send(
        _ request: HTTPRequest, completion: @escaping @Sendable (Result<HTTPResponse, HTTPClientError>) -> Void
    ) -> RequestHandle {
        let transfer: Transfer
        do {
            transfer = try Transfer(request: request, streaming: false, handles: loop.handles)
        } catch {
            completion(.failure(error))
            return RequestHandle(cancel: {})
        }
        if transfer.install(.callback(completion)), !loop.send(.add(transfer)) {
            transfer.complete(.failure(Self.shutdownError))
        }
        let loop = self.loop
        return RequestHandle(cancel: { loop.send(.cancel(transfer, Self.cancelledError)) })
    }

    /// Sends a request and returns as soon as the response head has arrived;
    /// the body is read from the returned stream as it comes. The stream
    /// holds at most about 1 MiB unread: beyond that the transfer pauses
    /// until the reader catches up.
    public func stream(_ request: HTTPRequest) async throws(HTTPClientError) -> HTTPStream {
        if Task.isCancelled { throw Self.cancelledError }
        let transfer = try Transfer(request: request, streaming: true, handles: loop.handles)
        let loop = self.loop
        do {
            let head = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (c: CheckedContinuation<HTTPResponseHead, any Error>) in
                    if transfer.install(.head(c)), !loop.send(.add(transfer)) {
                        transfer.complete(.failure(Self.shutdownError))
                    }
                }
            } onCancel: {
                loop.send(.cancel(transfer, Self.cancelledError))
            }
            return HTTPStream(head: head, transfer: transfer, loop: loop)
        } catch let error as HTTPClientError {
            throw error
        } catch {
            throw HTTPClientError(kind: .transport, message: "\(error)")
        }
    }

    static let cancelledError = HTTPClientError(kind: .cancelled, message: "the request was cancelled")
    static let shutdownError = HTTPClientError(kind: .shutdown, message: "the HTTP client was shut down")
}

/// Cancels a request sent with `HTTPClient.send`: its completion gets a
/// `cancelled` error unless it has already finished.
public struct RequestHandle: Sendable {
    let cancelAction: @Sendable () -> Void

    init(cancel: @escaping @Sendable () -> Void) { cancelAction = cancel }

    public func cancel() { cancelAction() }
}
