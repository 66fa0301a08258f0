import Calls
import Mustache

/// How a substituted value is escaped, by where it lands in a request
/// (rules.md, "Templates").
public enum Escaping: String, Sendable, CaseIterable {
    /// `url`, `path`, `query`: percent-encoded.
    case url = "CALLHOOK_URL"
    /// `form` values: form-encoded.
    case form = "CALLHOOK_FORM"
    /// `headers`: control characters removed.
    case header = "CALLHOOK_HEADER"
    /// JSON string escaping without the quotes (`body` with a JSON content type).
    case jsonString = "CALLHOOK_JSON_STRING"
    /// XML escaping (`body` with an XML content type).
    case xml = "CALLHOOK_XML"
    /// A whole JSON value: the text as a JSON string, or `null` when empty
    /// (a workflow's `inputs.id`).
    case jsonValue = "CALLHOOK_JSON_VALUE"
    /// No escaping (`json` values are JSON-encoded after rendering; plain bodies).
    case none = "TEXT"

    /// The escaping for a `body` template of this content type.
    public static func forBody(contentType: String) -> Escaping {
        let c = contentType.lowercased()
        if c.contains("json") { return .jsonString }
        if c.contains("xml") { return .xml }
        return .none
    }

    public func escape(_ text: String) -> String {
        switch self {
        case .url: Self.percentEncode(text, spaceAsPlus: false)
        case .form: Self.percentEncode(text, spaceAsPlus: true)
        case .header: String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
        case .jsonString: Self.jsonEscape(text)
        case .xml: Self.xmlEscape(text)
        case .jsonValue: text.isEmpty ? "null" : "\"" + Self.jsonEscape(text) + "\""
        case .none: text
        }
    }

    /// Registers the content types with the Mustache library, once.
    static let registered: Bool = {
        for e in Escaping.allCases where e != .none && e != .jsonValue {
            MustacheContentTypes.register(MustacheEscaper(escaping: e), named: e.rawValue)
        }
        return true
    }()

    static func percentEncode(_ text: String, spaceAsPlus: Bool) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(b)
            case UInt8(ascii: " ") where spaceAsPlus:
                out.append(UInt8(ascii: "+"))
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 15)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// JSON string escaping (RFC 8259), without the surrounding quotes.
    public static func jsonEscape(_ text: String) -> String {
        // Most values need no escaping at all: looked for in the string's
        // own bytes, not through its UTF-8 view one index at a time.
        if !text.utf8Contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x7F || $0 == 0xE2 }) { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for s in text.unicodeScalars {
            switch s {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where s.value < 0x20 || s.value == 0x7F || s.value == 0x2028 || s.value == 0x2029:
                let h = String(s.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
            default: out.unicodeScalars.append(s)
            }
        }
        return out
    }

    static func xmlEscape(_ text: String) -> String {
        var out = ""
        for s in text.unicodeScalars {
            switch s {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            // Characters XML 1.0 cannot carry at all are dropped.
            case _ where s.value < 0x20 && s != "\n" && s != "\r" && s != "\t": continue
            default: out.unicodeScalars.append(s)
            }
        }
        return out
    }
}

struct MustacheEscaper: MustacheContentType {
    let escaping: Escaping
    func escapeText(_ text: String) -> String { escaping.escape(text) }
}
