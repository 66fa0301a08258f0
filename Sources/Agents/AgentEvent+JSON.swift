extension AgentEvent {
    /// The event's `data:` line: one JSON object on one line, keys in a
    /// fixed order, absent values left out (`remote.e164`, `name`,
    /// `company`, `alert_info`, `cause`, …).
    public var json: String {
        var w = JSONObjectWriter()
        w.field("call", call)
        w.field("customer", customer)
        w.field("extension", `extension`)
        w.field("direction", direction.rawValue)
        if let remote {
            var r = JSONObjectWriter()
            r.field("number", remote.number)
            r.field("e164", remote.e164)
            r.field("display", remote.display)
            r.field("name", remote.name)
            r.field("company", remote.company)
            r.field("class", remote.className)
            w.raw("remote", r.finish())
        }
        w.field("ringtone", ringtone)
        w.field("alert_info", alertInfo)
        w.field("cause", cause)
        w.field("time", time?.rfc3339())
        return w.finish()
    }
}

/// Writes one flat JSON object; strings are escaped so the result never
/// contains a raw line break (an SSE `data:` line must not).
struct JSONObjectWriter {
    private var text = "{"
    private var first = true

    mutating func field(_ key: String, _ value: String?) {
        guard let value else { return }
        raw(key, Self.quoted(value))
    }

    mutating func raw(_ key: String, _ json: String) {
        if !first { text += "," }
        first = false
        text += Self.quoted(key)
        text += ":"
        text += json
    }

    mutating func finish() -> String { text + "}" }

    static func quoted(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
