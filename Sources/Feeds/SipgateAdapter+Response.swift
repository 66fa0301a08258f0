extension SipgateAdapter {
    /// The adapter's path under `[server] public_url`.
    public static let path = "/v1/ingest/sipgate"

    /// The `application/xml` answer to a `newCall` push, which asks sipgate.io
    /// to send this call's `answer` and `hangup` to the adapter:
    ///
    /// ```xml
    /// <?xml version="1.0" encoding="UTF-8"?>
    /// <Response onAnswer="URL" onHangup="URL"/>
    /// ```
    ///
    /// URL is `publicURL` (trailing `/` dropped) + `/v1/ingest/sipgate`, plus
    /// `?token=TOKEN` (percent-encoded) when `token` is given — pass the
    /// ingest token only when the PBX sent it in the query, since a PBX
    /// that sends a header keeps doing so. The URL is XML-escaped.
    public static func newCallResponse(publicURL: String, token: String? = nil) -> String {
        var url = publicURL
        while url.hasSuffix("/") { url.removeLast() }
        url += path
        if let token { url += "?token=" + percentEncoded(token) }
        let attr = xmlEscaped(url)
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response onAnswer=\"\(attr)\" onHangup=\"\(attr)\"/>\n"
    }

    /// Escapes text for a double-quoted XML attribute.
    static func xmlEscaped(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters.
    static func percentEncoded(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(b >> 4)], hex[Int(b & 15)]], as: UTF8.self)
            }
        }
        return out
    }
}
