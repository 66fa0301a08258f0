/// A parsed TOML value, detached from the parser.
///
/// Tables keep the order of their keys and where each key sits, so that a
/// reader can point at the line of a problem and a JSON body keeps the key
/// order of the file.
public indirect enum TOMLNode: Sendable, Equatable {
    case table(TOMLTable)
    case array([TOMLNode])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    /// Dates and times, kept as their TOML text.
    case datetime(String)

    /// What a user would call this kind of value in an error message.
    public var kindName: String {
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

    public var table: TOMLTable? { if case .table(let t) = self { t } else { nil } }
    public var array: [TOMLNode]? { if case .array(let a) = self { a } else { nil } }
    public var string: String? { if case .string(let s) = self { s } else { nil } }
    public var bool: Bool? { if case .bool(let b) = self { b } else { nil } }
    public var int: Int? { if case .int(let i) = self { i } else { nil } }
}

/// A line and column (both from 1) in a TOML file.
public struct TOMLPosition: Sendable, Hashable, Comparable {
    public var line: Int
    public var column: Int
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
    public static func < (a: Self, b: Self) -> Bool { (a.line, a.column) < (b.line, b.column) }
}

/// A TOML syntax error with its position.
public struct TOMLSyntaxError: Error, Sendable {
    public var line: Int
    public var column: Int
    public var message: String
}

extension TOMLNode {
    /// Parses a TOML document into its root table.
    public static func parse(_ text: String) throws(TOMLSyntaxError) -> TOMLTable {
        try TOMLParser.parse(text)
    }
}
