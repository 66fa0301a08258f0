/// A raw call event: the NFON CTI API `call` object.
///
/// Field names are NFON's (`caller_context`, `callee_context`, …). Unknown
/// fields are ignored when decoding. `caller_name` / `callee_name` are
/// accepted for PBXs that send names.
public struct CallEvent: Sendable, Hashable, Codable {
    public var uuid: String
    public var state: String
    public var caller: String?
    public var callerContext: String?
    public var callee: String?
    public var calleeContext: String?
    public var direction: Direction?
    public var `extension`: String?
    public var customer: String?
    /// RFC 3339 with nanoseconds, as the PBX sent it.
    public var updated: String?
    public var error: String?
    public var callerName: String?
    public var calleeName: String?

    public init(
        uuid: String, state: String, caller: String? = nil, callerContext: String? = nil, callee: String? = nil,
        calleeContext: String? = nil, direction: Direction? = nil, extension: String? = nil, customer: String? = nil,
        updated: String? = nil, error: String? = nil, callerName: String? = nil, calleeName: String? = nil
    ) {
        self.uuid = uuid
        self.state = state
        self.caller = caller
        self.callerContext = callerContext
        self.callee = callee
        self.calleeContext = calleeContext
        self.direction = direction
        self.extension = `extension`
        self.customer = customer
        self.updated = updated
        self.error = error
        self.callerName = callerName
        self.calleeName = calleeName
    }

    enum CodingKeys: String, CodingKey {
        case uuid, state, caller, callee, direction, customer, updated, error
        case callerContext = "caller_context"
        case calleeContext = "callee_context"
        case `extension`
        case callerName = "caller_name"
        case calleeName = "callee_name"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        uuid = try c.decode(String.self, forKey: .uuid)
        state = try c.decode(String.self, forKey: .state)
        caller = try c.decodeIfPresent(String.self, forKey: .caller)
        callerContext = try c.decodeIfPresent(String.self, forKey: .callerContext)
        callee = try c.decodeIfPresent(String.self, forKey: .callee)
        calleeContext = try c.decodeIfPresent(String.self, forKey: .calleeContext)
        // An unknown direction value is treated as absent rather than an error.
        direction = (try? c.decodeIfPresent(String.self, forKey: .direction)).flatMap { $0.flatMap(Direction.init(rawValue:)) }
        `extension` = try c.decodeIfPresent(String.self, forKey: .extension)
        customer = try c.decodeIfPresent(String.self, forKey: .customer)
        updated = try c.decodeIfPresent(String.self, forKey: .updated)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        callerName = try c.decodeIfPresent(String.self, forKey: .callerName)
        calleeName = try c.decodeIfPresent(String.self, forKey: .calleeName)
    }
}

/// Call direction from the extension's point of view.
public enum Direction: String, Sendable, Hashable, Codable {
    case inbound
    case outbound
}

/// A raw line-state event: the NFON CTI API `state` object.
public struct LineStateEvent: Sendable, Hashable, Codable {
    public var customer: String?
    public var `extension`: String
    public var line: String?
    public var presence: String?
    public var updated: String?

    public init(customer: String? = nil, extension: String, line: String? = nil, presence: String? = nil, updated: String? = nil)
    {
        self.customer = customer
        self.extension = `extension`
        self.line = line
        self.presence = presence
        self.updated = updated
    }
}
