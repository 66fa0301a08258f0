/// A response whose body is read as it arrives (server-sent events, long
/// downloads). Iterate it for body chunks; the iteration ends when the
/// server closes the response and throws if the transfer fails.
///
/// Cancelling the reading task, calling `cancel()`, or dropping the stream
/// stops the transfer.
public final class HTTPStream: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = any Error

    public let head: HTTPResponseHead
    private let transfer: Transfer
    private let loop: CurlMultiLoop

    init(head: HTTPResponseHead, transfer: Transfer, loop: CurlMultiLoop) {
        self.head = head
        self.transfer = transfer
        self.loop = loop
    }

    deinit { cancel() }

    /// Stops the transfer; a reader waiting for data gets `.cancelled`.
    public func cancel() {
        loop.send(.cancel(transfer, HTTPClient.cancelledError))
    }

    /// The next chunk of the body, or nil at its end.
    public func next() async throws -> [UInt8]? {
        guard let channel = transfer.channel else { return nil }
        let loop = self.loop
        let transfer = self.transfer
        return try await withTaskCancellationHandler {
            try await channel.next { loop.send(.resume(transfer)) }
        } onCancel: {
            loop.send(.cancel(transfer, HTTPClient.cancelledError))
        }
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let stream: HTTPStream
        public mutating func next() async throws -> [UInt8]? { try await stream.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(stream: self) }
}
