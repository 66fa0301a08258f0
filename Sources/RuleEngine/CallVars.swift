/// Helpers for `call.vars`, and the marker form of queue rows written
/// before slots were stored as data.
public enum CallVars {
    static let legacyPrefix = "__callhook_var_"
    static let legacySuffix = "_rav__"

    /// The marker older versions rendered in place of `call.vars.NAME`
    /// inside the stored text. Only rows written by those versions hold one.
    public static func legacyMarker(_ name: String) -> String {
        legacyPrefix + hexEncode(name) + legacySuffix
    }

    /// Fills in the markers of a row written by an older version: each
    /// marker becomes its value escaped by `escaping`; a name with no
    /// captured value becomes the empty string.
    public static func substituteLegacy(_ text: String, values: [String: String], escaping: Escaping) -> String {
        guard text.contains(legacyPrefix) else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: legacyPrefix) {
            out += rest[rest.startIndex..<start.lowerBound]
            let afterPrefix = rest[start.upperBound...]
            guard let end = afterPrefix.range(of: legacySuffix),
                let name = hexDecode(afterPrefix[afterPrefix.startIndex..<end.lowerBound])
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

    static func hexEncode(_ name: String) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for b in name.utf8 {
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexDecode(_ s: Substring) -> String? {
        let bytes = Array(s.utf8)
        guard !bytes.isEmpty, bytes.count % 2 == 0 else { return nil }
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
