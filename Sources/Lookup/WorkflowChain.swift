/// The workflow id chain: per call and target, the latest workflow answer,
/// so that each workflow request carries the id of the previous one in
/// `inputs.id` (null in the first). Pure and in memory; the durable store
/// keeps the same pairs later.
///
/// An answer without an id keeps the id before it: the chain only moves
/// forward when the service names a new object.
public struct WorkflowChain: Sendable {
    /// One call's workflows to one target.
    public struct Key: Sendable, Hashable {
        public var callID: String
        public var target: String

        public init(callID: String, target: String) {
            self.callID = callID
            self.target = target
        }
    }

    /// What is kept per call and target.
    public struct Link: Sendable, Equatable {
        /// The id to send as `inputs.id` in the next request.
        public var id: String?
        /// The latest `url` any answer gave.
        public var url: String?
        /// Answers recorded so far.
        public var answers: Int
    }

    private var links: [Key: Link] = [:]

    public init() {}

    /// Records a workflow answer; returns the link as it is now.
    @discardableResult
    public mutating func record(_ answer: WorkflowAnswer, callID: String, target: String) -> Link {
        let key = Key(callID: callID, target: target)
        var link = links[key] ?? Link(id: nil, url: nil, answers: 0)
        if let id = answer.id { link.id = id }
        if let url = answer.url { link.url = url }
        link.answers += 1
        links[key] = link
        return link
    }

    /// The link of a call and target, nil before its first answer.
    public func link(callID: String, target: String) -> Link? { links[Key(callID: callID, target: target)] }

    /// The id for the next request's `inputs.id`: nil (JSON null) before any answer with an id.
    public func nextID(callID: String, target: String) -> String? { link(callID: callID, target: target)?.id }

    /// Forgets a call (when it has ended and its workflows are delivered).
    public mutating func forget(callID: String) {
        links = links.filter { $0.key.callID != callID }
    }

    public var count: Int { links.count }
}
