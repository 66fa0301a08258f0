/// Why an ingest body was refused. A body is all or nothing: any error means
/// none of its events are applied.
///
/// `description` is the message for the client, e.g.
/// `line 3: field "state": expected a string` or `index 2: missing field "uuid"`.
/// It names where and which field, never echoes a value (a body may carry
/// personal data), and `httpStatus` says how the route answers.
public struct IngestError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The body is not in an accepted shape (HTTP 400).
        case invalid
        /// The `Content-Type` is not one the endpoint reads (HTTP 415).
        case unsupportedMediaType
        /// The body is over the size limit (HTTP 413).
        case tooLarge
    }

    /// Where in the body the problem is.
    public enum Location: Sendable, Hashable, CustomStringConvertible {
        /// The body as a whole.
        case body
        /// A physical line of an NDJSON body (1-based; blank lines count).
        case line(Int)
        /// An element of a JSON array (0-based).
        case index(Int)

        public var description: String {
            switch self {
            case .body: "body"
            case .line(let n): "line \(n)"
            case .index(let n): "index \(n)"
            }
        }
    }

    public var kind: Kind
    public var location: Location
    /// The offending field, when the problem is one field.
    public var field: String?
    /// What is wrong, in words a user can act on.
    public var problem: String

    public init(_ kind: Kind, at location: Location = .body, field: String? = nil, _ problem: String) {
        self.kind = kind
        self.location = location
        self.field = field
        self.problem = problem
    }

    /// An invalid body (400).
    public init(at location: Location = .body, field: String? = nil, _ problem: String) {
        self.init(.invalid, at: location, field: field, problem)
    }

    /// The HTTP status the route answers with.
    public var httpStatus: Int {
        switch kind {
        case .invalid: 400
        case .unsupportedMediaType: 415
        case .tooLarge: 413
        }
    }

    public var description: String {
        if let field { return "\(location): field \"\(field)\": \(problem)" }
        return "\(location): \(problem)"
    }

    /// The same problem, placed at `location`.
    func at(_ location: Location) -> IngestError {
        var copy = self
        copy.location = location
        return copy
    }
}
