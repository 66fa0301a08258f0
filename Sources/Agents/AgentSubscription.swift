/// One agent's stream of SSE frames (`retry:`, events, keepalives), each a
/// complete frame ready to write. Stop iterating (or cancel the task) to
/// disconnect the agent.
public struct AgentSubscription: AsyncSequence, Sendable {
    public typealias Element = String

    /// The hub's number for this agent (for logs).
    public let id: UInt64
    let stream: AsyncStream<String>

    public func makeAsyncIterator() -> AsyncStream<String>.Iterator { stream.makeAsyncIterator() }
}
