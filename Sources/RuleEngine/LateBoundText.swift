/// A piece of a request (the URL, one header value, the body) in which
/// `call.vars.NAME` values are filled in when the request is sent, not when
/// it is queued (rules.md, "Templates").
///
/// It is data, not text with markers in it: a list of literal text and
/// named slots, each slot with the escaping of the place it sits in. No
/// value rendered into a literal (a caller's name, a directory entry) can
/// become a slot.
public struct LateBoundText: Sendable, Equatable {
    public enum Piece: Sendable, Equatable {
        /// Rendered text, sent as it is.
        case literal(String)
        /// `call.vars.NAME`, escaped for its place when filled in.
        case variable(name: String, escaping: Escaping)
    }

    public var pieces: [Piece]

    public init(_ pieces: [Piece]) { self.pieces = pieces }

    /// True when at least one piece is filled in at send time.
    public var hasVariables: Bool {
        pieces.contains {
            if case .variable = $0 { return true }
            return false
        }
    }

    /// The text with every slot filled in from `values`, escaped; a name
    /// with no captured value becomes the empty string.
    public func resolve(_ values: [String: String]) -> String {
        var out = ""
        for p in pieces {
            switch p {
            case .literal(let text): out += text
            case .variable(let name, let escaping): out += escaping.escape(values[name] ?? "")
            }
        }
        return out
    }

    /// The text with each slot shown as its template tag, for display
    /// (`callhook test`, dry runs).
    public var display: String {
        pieces.map {
            switch $0 {
            case .literal(let text): text
            case .variable(let name, _): "{{call.vars.\(name)}}"
            }
        }.joined()
    }
}

/// The parts of a rendered request that hold `call.vars` slots.
public struct LateBoundRequest: Sendable, Equatable {
    public var url: LateBoundText
    /// One entry per request header, in the request's order.
    public var headerValues: [LateBoundText]
    public var body: LateBoundText?

    public init(url: LateBoundText, headerValues: [LateBoundText], body: LateBoundText?) {
        self.url = url
        self.headerValues = headerValues
        self.body = body
    }

    /// The request's URL, header values and body with the values filled in.
    public func resolve(_ values: [String: String]) -> (url: String, headerValues: [String], body: [UInt8]?) {
        (url.resolve(values), headerValues.map { $0.resolve(values) }, body.map { Array($0.resolve(values).utf8) })
    }
}
