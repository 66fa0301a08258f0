/// A parsed TOML value, detached from the parser.
///
/// The loader works on this tree so that the rest of the engine does not
/// depend on the TOML library's types.
indirect enum TOMLNode: Sendable, Equatable {
    case table([String: TOMLNode])
    case array([TOMLNode])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    /// Dates and times, kept as their TOML text.
    case datetime(String)

    /// What a user would call this kind of value in an error message.
    var kindName: String {
        switch self {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .int: "an integer"
        case .double: "a number"
        case .bool: "a boolean"
        case .datetime: "a date"
        }
    }

    var table: [String: TOMLNode]? { if case .table(let t) = self { t } else { nil } }
    var array: [TOMLNode]? { if case .array(let a) = self { a } else { nil } }
    var string: String? { if case .string(let s) = self { s } else { nil } }
    var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    var int: Int? { if case .int(let i) = self { i } else { nil } }
}

/// A TOML syntax error with its position.
struct TOMLSyntaxError: Error {
    var line: Int
    var column: Int
    var message: String
}

extension TOMLNode {
    /// Parses a TOML document.
    static func parse(_ text: String) throws(TOMLSyntaxError) -> [String: TOMLNode] {
        try TOMLParser.parse(text)
    }
}
