extension TOMLParser {
    // MARK: - Strings

    mutating func basicString() throws(TOMLSyntaxError) -> String {
        let (l, c) = position
        advance()
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw error(l, c, "unterminated string") }
            if b == 0x22 {
                advance()
                return try decode(out, l, c)
            }
            if b == 0x0A || b == 0x0D { throw error(l, c, "unterminated string (a basic string cannot span lines; use \"\"\")") }
            if b == 0x5C {
                advance()
                try escape(into: &out)
                continue
            }
            if b < 0x20 && b != 0x09 || b == 0x7F { throw here("control character \(describe(b)) in a string; escape it") }
            out.append(b)
            advance()
        }
    }

    mutating func multilineBasicString() throws(TOMLSyntaxError) -> String {
        let (l, c) = position
        i += 3
        skipNewline()
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw error(l, c, "unterminated multi-line string") }
            if closesMultiline(0x22, into: &out) { return try decode(out, l, c) }
            if b == 0x5C {
                advance()
                // A line-ending backslash trims the newline and following whitespace.
                var j = i
                while j < bytes.count && (bytes[j] == 0x20 || bytes[j] == 0x09) { j += 1 }
                if j < bytes.count && (bytes[j] == 0x0A || bytes[j] == 0x0D) {
                    i = j
                    while let w = peek(), w == 0x20 || w == 0x09 || w == 0x0A || w == 0x0D {
                        if w == 0x0A { newline() } else { advance() }
                    }
                    continue
                }
                try escape(into: &out)
                continue
            }
            if b == 0x0A {
                out.append(b)
                newline()
                continue
            }
            if b < 0x20 && b != 0x09 && b != 0x0D || b == 0x7F {
                throw here("control character \(describe(b)) in a string; escape it")
            }
            out.append(b)
            advance()
        }
    }

    mutating func literalString() throws(TOMLSyntaxError) -> String {
        let (l, c) = position
        advance()
        let start = i
        while true {
            guard let b = peek() else { throw error(l, c, "unterminated string") }
            if b == 0x27 {
                let s = Array(bytes[start..<i])
                advance()
                return try decode(s, l, c)
            }
            if b == 0x0A || b == 0x0D { throw error(l, c, "unterminated string (a literal string cannot span lines; use ''')") }
            if b < 0x20 && b != 0x09 || b == 0x7F { throw here("control character \(describe(b)) in a string") }
            advance()
        }
    }

    mutating func multilineLiteralString() throws(TOMLSyntaxError) -> String {
        let (l, c) = position
        i += 3
        skipNewline()
        var out: [UInt8] = []
        while true {
            guard let b = peek() else { throw error(l, c, "unterminated multi-line string") }
            if closesMultiline(0x27, into: &out) { return try decode(out, l, c) }
            if b == 0x0A {
                out.append(b)
                newline()
                continue
            }
            if b < 0x20 && b != 0x09 && b != 0x0D || b == 0x7F { throw here("control character \(describe(b)) in a string") }
            out.append(b)
            advance()
        }
    }

    /// At three quotes (`quote` is `"` or `'`), consumes the closing delimiter
    /// (up to two more quotes before it belong to the string) and returns true.
    mutating func closesMultiline(_ quote: UInt8, into out: inout [UInt8]) -> Bool {
        guard i + 2 < bytes.count, bytes[i] == quote, bytes[i + 1] == quote, bytes[i + 2] == quote else { return false }
        var extra = 0
        while i + 3 + extra < bytes.count && bytes[i + 3 + extra] == quote && extra < 2 { extra += 1 }
        out.append(contentsOf: repeatElement(quote, count: extra))
        i += 3 + extra
        return true
    }

    mutating func escape(into out: inout [UInt8]) throws(TOMLSyntaxError) {
        // Errors point at the backslash, just before `i`.
        let (el, ec) = (line, i - lineStart)
        guard let e = peek() else { throw here("unterminated escape sequence") }
        advance()
        switch e {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let n = e == UInt8(ascii: "u") ? 4 : 8
            guard i + n <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + n], as: UTF8.self), radix: 16),
                let scalar = Unicode.Scalar(v)
            else { throw error(el, ec, "invalid unicode escape") }
            i += n
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
        default: throw error(el, ec, "invalid escape sequence `\\\(String(decoding: [e], as: UTF8.self))`")
        }
    }

    func decode(_ b: [UInt8], _ l: Int, _ c: Int) throws(TOMLSyntaxError) -> String {
        guard let s = String(validating: b, as: UTF8.self) else { throw error(l, c, "the string is not valid UTF-8") }
        return s
    }
}
