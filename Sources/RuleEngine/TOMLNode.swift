import TOMLKit

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
        do {
            let table = try TOMLTable(string: text)
            return convert(table)
        } catch let e as TOMLParseError {
            throw TOMLSyntaxError(line: e.source.begin.line, column: e.source.begin.column, message: e.description)
        } catch {
            throw TOMLSyntaxError(line: 1, column: 1, message: "\(error)")
        }
    }

    private static func convert(_ table: TOMLTable) -> [String: TOMLNode] {
        var out: [String: TOMLNode] = [:]
        for (k, v) in table { out[k] = convert(v) }
        return out
    }

    private static func convert(_ value: any TOMLValueConvertible) -> TOMLNode {
        switch value.type {
        case .table: return .table(value.table.map(convert) ?? [:])
        case .array: return .array(value.array.map { $0.map(convert) } ?? [])
        case .string: return .string(value.string ?? "")
        case .int: return .int(value.int ?? 0)
        case .double: return .double(value.double ?? 0)
        case .bool: return .bool(value.bool ?? false)
        default: return .datetime(value.debugDescription)
        }
    }
}
