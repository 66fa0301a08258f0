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
        var out = ""
        write(into: &out, variables)
        return out
    }

    private func write(into out: inout String, _ variables: Variables) {
        switch self {
        case .object(let members):
            out += "{"
            // Members read in place: a `for (k, v) in` copied each name
            // and template (retained and released) for every body.
            for i in members.indices {
                if i > 0 { out += "," }
                out += "\""
                out += Escaping.jsonEscape(members[i].0)
                out += "\":"
                members[i].1.write(into: &out, variables)
            }
            out += "}"
        case .array(let items):
            out += "["
            for i in items.indices {
                if i > 0 { out += "," }
                items[i].write(into: &out, variables)
            }
            out += "]"
        case .literal(let v): v.write(into: &out)
        case .string(let t):
            if let path = t.singleTag {
                let value = variables.value(at: path)
                // Most values are text: tried first, so that a string does
                // not fail four casts before it is found.
                if let text = value as? String {
                    if t.isSoleTag {
                        // What `t.render` gives, without looking the value up again.
                        out += "\""
                        out += Escaping.jsonEscape(t.escaping.escape(text))
                        out += "\""
                        return
                    }
                } else {
                    switch value {
                    case let b as Bool:
                        out += b ? "true" : "false"
                        return
                    case let i as Int:
                        out += String(i)
                        return
                    case let i as Int64:
                        out += String(i)
                        return
                    case let d as Double:
                        JSONValue.double(d).write(into: &out)
                        return
                    case .none:
                        out += "null"
                        return
                    default: break
                    }
                }
            }
            out += "\""
            out += Escaping.jsonEscape(t.render(variables))
            out += "\""
        }
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
