extension TOMLParser {
    // MARK: - Lexing helpers

    func peek() -> UInt8? { i < bytes.count ? bytes[i] : nil }
    mutating func advance() { i += 1 }
    mutating func newline() {
        i += 1
        line += 1
        lineStart = i
    }

    func starts(with s: String) -> Bool {
        let u = Array(s.utf8)
        return i + u.count <= bytes.count && Array(bytes[i..<i + u.count]) == u
    }

    var position: (Int, Int) { (line, i - lineStart + 1) }

    mutating func skipSpaces() {
        while let b = peek(), b == 0x20 || b == 0x09 { advance() }
    }

    mutating func skipNewline() {
        if starts(with: "\r\n") {
            advance()
            newline()
        } else if peek() == 0x0A {
            newline()
        }
    }

    mutating func skipComment() {
        if peek() == UInt8(ascii: "#") {
            while let b = peek(), b != 0x0A { advance() }
        }
    }

    mutating func skipWhitespaceCommentsAndNewlines() {
        while true {
            skipSpaces()
            skipComment()
            if peek() == 0x0A {
                newline()
            } else if starts(with: "\r\n") {
                advance()
                newline()
            } else {
                return
            }
        }
    }

    mutating func endOfLine() throws(TOMLSyntaxError) {
        skipSpaces()
        skipComment()
        guard let b = peek() else { return }
        if b == 0x0A {
            newline()
        } else if starts(with: "\r\n") {
            advance()
            newline()
        } else {
            throw here("expected the end of the line, found \(describe(b))")
        }
    }

    mutating func expect(_ c: UInt8, _ message: String) throws(TOMLSyntaxError) {
        guard peek() == c else { throw here(message) }
        advance()
    }

    func describe(_ b: UInt8) -> String {
        if b >= 0x21 && b < 0x7F { return "`\(String(decoding: [b], as: UTF8.self))`" }
        let hex = String(b, radix: 16, uppercase: true)
        return "byte 0x" + (hex.count == 1 ? "0" : "") + hex
    }

    func here(_ m: String) -> TOMLSyntaxError { TOMLSyntaxError(line: line, column: i - lineStart + 1, message: m) }
    func error(_ l: Int, _ c: Int, _ m: String) -> TOMLSyntaxError { TOMLSyntaxError(line: l, column: c, message: m) }
}
