/// `call.vars.NAME`: values captured from earlier responses of the same call,
/// resolved when a request is sent rather than when it is queued
/// (rules.md, "Templates").
///
/// At render time the engine writes a marker in place of each such value.
/// A marker is made of letters, digits and `_` only, so every escaping
/// context leaves it as it is; the dispatcher later replaces it with the
/// value, escaped for the part of the request it sits in.
public enum CallVars {
    static let prefix = "__callhook_var_"
    static let suffix = "_rav__"

    /// The marker that stands for `call.vars.NAME`.
    public static func marker(_ name: String) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out = Array(prefix.utf8)
        for b in name.utf8 {
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 15)])
        }
        out.append(contentsOf: suffix.utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// True when the text holds at least one marker.
    public static func containsMarker(_ text: String) -> Bool { text.contains(prefix) }

    /// True when the bytes hold at least one marker.
    public static func containsMarker(_ bytes: [UInt8]) -> Bool {
        let p = Array(prefix.utf8)
        guard bytes.count >= p.count else { return false }
        var i = 0
        while i <= bytes.count - p.count {
            if bytes[i] == p[0] && Array(bytes[i..<i + p.count]) == p { return true }
            i += 1
        }
        return false
    }

    /// Replaces every marker with its value escaped by `escaping`; a name
    /// with no captured value becomes the empty string.
    public static func substitute(_ text: String, values: [String: String], escaping: Escaping) -> String {
        guard text.contains(prefix) else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: prefix) {
            out += rest[rest.startIndex..<start.lowerBound]
            let afterPrefix = rest[start.upperBound...]
            guard let end = afterPrefix.range(of: suffix),
                let name = decodeHex(afterPrefix[afterPrefix.startIndex..<end.lowerBound])
            else {
                out += rest[start.lowerBound..<start.upperBound]
                rest = afterPrefix
                continue
            }
            out += escaping.escape(values[name] ?? "")
            rest = afterPrefix[end.upperBound...]
        }
        out += rest
        return out
    }

    static func decodeHex(_ s: Substring) -> String? {
        let bytes = Array(s.utf8)
        guard bytes.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        var out = [UInt8]()
        var i = 0
        while i < bytes.count {
            guard let h = nibble(bytes[i]), let l = nibble(bytes[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return String(decoding: out, as: UTF8.self)
    }
}
