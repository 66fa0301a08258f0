import Foundation

/// `capture = { NAME = "field" }`: values taken from a successful response's
/// JSON body into `call.vars.NAME` (rules.md). A field is a dotted path
/// (`data.id`); array elements are addressed by index (`items.0.id`).
public enum ResponseCapture {
    /// The captured values; fields that are missing, or a body that is not
    /// JSON, give nothing.
    public static func values(_ capture: [String: String], from body: [UInt8]) -> [String: String] {
        guard !capture.isEmpty, !body.isEmpty,
            let json = try? JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed])
        else { return [:] }
        var out: [String: String] = [:]
        for (name, field) in capture {
            if field.hasPrefix(workflowPrefix) {
                if let v = workflowField(json, String(field.dropFirst(workflowPrefix.count))) { out[name] = v }
                continue
            }
            if let v = lookup(json, path: field.split(separator: ".").map(String.init)) { out[name] = v }
        }
        return out
    }

    /// `workflow:NAME`: a workflow answer's field, in any case; an empty value is none.
    static let workflowPrefix = "workflow:"

    static func workflowField(_ json: Any, _ name: String) -> String? {
        guard let dict = json as? [String: Any] else { return nil }
        let key = dict.keys.first { $0 == name } ?? dict.keys.first { $0.lowercased() == name.lowercased() }
        guard let key, let value = dict[key], value is String || value is NSNumber, let text = text(value), !text.isEmpty
        else { return nil }
        return text
    }

    static func lookup(_ json: Any, path: [String]) -> String? {
        var current: Any = json
        for part in path {
            if let dict = current as? [String: Any], let next = dict[part] {
                current = next
            } else if let array = current as? [Any], let i = Int(part), array.indices.contains(i) {
                current = array[i]
            } else {
                return nil
            }
        }
        return text(current)
    }

    static func text(_ value: Any) -> String? {
        switch value {
        case let s as String: return s
        case is NSNull: return nil
        case let n as NSNumber:
            // JSON booleans come as NSNumber too, with the type code of C `char`.
            if String(cString: n.objCType) == "c" { return n.boolValue ? "true" : "false" }
            return n.stringValue
        default:
            guard JSONSerialization.isValidJSONObject(value),
                let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
            else { return nil }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
