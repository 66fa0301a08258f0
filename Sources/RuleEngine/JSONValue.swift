/// A JSON value, serialized by callhook itself so that output is exact and
/// stable (keys in the order the template gives them).
public indirect enum JSONValue: Sendable, Hashable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.serialized() == b.serialized() }
    public func hash(into h: inout Hasher) { h.combine(serialized()) }

    /// Compact JSON text.
    public func serialized() -> String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .object(let members):
            out += "{"
            for (i, (k, v)) in members.enumerated() {
                if i > 0 { out += "," }
                out += "\"" + Escaping.jsonEscape(k) + "\":"
                v.write(into: &out)
            }
            out += "}"
        case .array(let items):
            out += "["
            for (i, v) in items.enumerated() {
                if i > 0 { out += "," }
                v.write(into: &out)
            }
            out += "]"
        case .string(let s): out += "\"" + Escaping.jsonEscape(s) + "\""
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? (d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)) : "null"
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        }
    }
}

/// A `json` body as written in a rule, with every string compiled as a
/// template. Rendering substitutes variables, JSON-encodes the text, and
/// keeps the JSON type of a value whose string is exactly one tag.
public indirect enum JSONTemplate: Sendable {
    case object([(String, JSONTemplate)])
    case array([JSONTemplate])
    case string(TextTemplate)
    case literal(JSONValue)

    public func render(_ variables: Variables) -> JSONValue {
        switch self {
        case .object(let members): return .object(members.map { ($0.0, $0.1.render(variables)) })
        case .array(let items): return .array(items.map { $0.render(variables) })
        case .literal(let v): return v
        case .string(let t):
            if let path = t.singleTag {
                switch variables.value(at: path) {
                case let b as Bool: return .bool(b)
                case let i as Int: return .int(i)
                case let i as Int64: return .int(Int(i))
                case let d as Double: return .double(d)
                case .none: return .null
                default: break
                }
            }
            return .string(t.render(variables))
        }
    }

    /// Renders straight to JSON text (no intermediate `JSONValue`): the same
    /// output as `render(_:).serialized()`.
    public func renderJSON(_ variables: Variables) -> String {
        String(decoding: renderJSONBytes(variables), as: UTF8.self)
    }

    /// `renderJSON` as the bytes of a request body, written into one
    /// buffer: appending to bytes skips the bookkeeping of a `String`
    /// append, and the body is not copied out of a string afterwards.
    public func renderJSONBytes(_ variables: Variables) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out, variables)
        return out
    }

    private func write(into out: inout [UInt8], _ variables: Variables) {
        switch self {
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            // Members read in place: a `for (k, v) in` copied each name
            // and template (retained and released) for every body.
            for i in members.indices {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.quoted(Escaping.jsonEscape(members[i].0), into: &out)
                out.append(UInt8(ascii: ":"))
                members[i].1.write(into: &out, variables)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for i in items.indices {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                items[i].write(into: &out, variables)
            }
            out.append(UInt8(ascii: "]"))
        case .literal(let v): Self.append(v, into: &out)
        case .string(let t):
            if let path = t.singleTag {
                let value = variables.value(at: path)
                // Most values are text: tried first, so that a string does
                // not fail four casts before it is found.
                if let text = value as? String {
                    if t.isSoleTag {
                        // What `t.render` gives, without looking the value up again.
                        Self.quoted(Escaping.jsonEscape(t.escaping.escape(text)), into: &out)
                        return
                    }
                } else {
                    switch value {
                    case let b as Bool:
                        out.append(contentsOf: (b ? "true" : "false").utf8)
                        return
                    case let i as Int:
                        out.append(contentsOf: String(i).utf8)
                        return
                    case let i as Int64:
                        out.append(contentsOf: String(i).utf8)
                        return
                    case let d as Double:
                        Self.append(.double(d), into: &out)
                        return
                    case .none:
                        out.append(contentsOf: "null".utf8)
                        return
                    default: break
                    }
                }
            }
            Self.quoted(Escaping.jsonEscape(t.render(variables)), into: &out)
        }
    }

    /// `"text"`, the text already escaped.
    private static func quoted(_ escaped: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: escaped.utf8)
        out.append(UInt8(ascii: "\""))
    }

    private static func append(_ value: JSONValue, into out: inout [UInt8]) {
        var text = ""
        value.write(into: &text)
        out.append(contentsOf: text.utf8)
    }

    /// Every text template in the tree.
    var templates: [TextTemplate] {
        switch self {
        case .object(let m): m.flatMap { $0.1.templates }
        case .array(let a): a.flatMap(\.templates)
        case .string(let t): [t]
        case .literal: []
        }
    }
}
