#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A decoded JSON value with its type kept, so lookup and workflow answers
/// can be read field by field without a fixed schema (services answer with
/// PascalCase or camelCase names, numbers where strings are expected, …).
enum JSONValue: Decodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int64.self) {
            self = .integer(i)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    /// Parses `bytes` as one JSON value.
    static func parse(_ bytes: [UInt8]) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    /// A scalar as text: strings as they are, numbers and booleans as they
    /// are written in JSON; nil for null, arrays and objects.
    var scalarText: String? {
        switch self {
        case .string(let s): s
        case .integer(let i): String(i)
        case .number(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): b ? "true" : "false"
        case .null, .array, .object: nil
        }
    }

    /// The member whose name equals one of `names` ignoring case, so `Id`,
    /// `id` and `ID` are the same field. The first name found wins.
    func member(_ names: String...) -> JSONValue? {
        guard case .object(let fields) = self else { return nil }
        for name in names {
            let lower = name.lowercased()
            if let hit = fields.first(where: { $0.key.lowercased() == lower }) { return hit.value }
        }
        return nil
    }
}
