/// A TOML 1.0 parser in Swift, written for rule files: every error carries
/// its line and column, any input (invalid UTF-8, NUL bytes, deep nesting)
/// gives a result or an error — never a crash — and nothing is shared
/// between parses.
struct TOMLParser {
    private let bytes: [UInt8]
    private var i = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0
    private static let maxDepth = 64

    private init(_ text: String) { bytes = Array(text.utf8) }

    /// Parses a document into its root table.
    static func parse(_ text: String) throws(TOMLSyntaxError) -> [String: TOMLNode] {
        var p = TOMLParser(text)
        let root = TableBox(kind: .explicit)
        try p.document(root)
        return root.node()
    }

    // MARK: - Document

    private mutating func document(_ root: TableBox) throws(TOMLSyntaxError) {
        var current = root
        while true {
            skipWhitespaceCommentsAndNewlines()
            guard let c = peek() else { return }
            if c == UInt8(ascii: "[") {
                current = try tableHeader(root)
            } else {
                try keyValue(into: current)
            }
            try endOfLine()
        }
    }

    private mutating func tableHeader(_ root: TableBox) throws(TOMLSyntaxError) -> TableBox {
        let (hl, hc) = position
        advance()
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { advance() }
        skipSpaces()
        let keys = try key()
        skipSpaces()
        try expect(UInt8(ascii: "]"), "expected `]` to close the table header")
        if isArray { try expect(UInt8(ascii: "]"), "expected `]]` to close the array-of-tables header") }
        var table = root
        for (n, k) in keys.enumerated() {
            let last = n == keys.count - 1
            switch table.entries[k] {
            case nil:
                if last && isArray {
                    let t = TableBox(kind: .explicit)
                    table.entries[k] = .tableArray(TableArrayBox(t))
                    table.order.append(k)
                    return t
                }
                let t = TableBox(kind: last ? .explicit : .implicit)
                table.entries[k] = .table(t)
                table.order.append(k)
                table = t
            case .table(let t):
                if last {
                    if isArray {
                        throw error(hl, hc, "`\(keys.joined(separator: "."))` is already a table, not an array of tables")
                    }
                    if t.kind == .explicit || t.kind == .dotted || t.kind == .inline {
                        throw error(hl, hc, "table `\(keys.joined(separator: "."))` is defined twice")
                    }
                    t.kind = .explicit
                }
                if t.kind == .inline { throw error(hl, hc, "an inline table cannot be extended") }
                table = t
            case .array:
                throw error(hl, hc, "`\(k)` is a static array and cannot be extended")
            case .tableArray(let box):
                if last {
                    guard isArray else {
                        throw error(hl, hc, "`\(keys.joined(separator: "."))` is an array of tables; use [[…]]")
                    }
                    let t = TableBox(kind: .explicit)
                    box.items.append(t)  // in place: no copy per [[…]] header
                    return t
                }
                guard let lastItem = box.items.last else { throw error(hl, hc, "`\(k)` is empty") }
                table = lastItem
            case .value:
                throw error(hl, hc, "`\(k)` is already a value, not a table")
            }
        }
        return table
    }

    private mutating func keyValue(into table: TableBox) throws(TOMLSyntaxError) {
        let (kl, kc) = position
        let keys = try key()
        skipSpaces()
        try expect(UInt8(ascii: "="), "expected `=` after the key")
        skipSpaces()
        let value = try self.value()
        var t = table
        for k in keys.dropLast() {
            switch t.entries[k] {
            case nil:
                let sub = TableBox(kind: .dotted)
                t.entries[k] = .table(sub)
                t.order.append(k)
                t = sub
            case .table(let sub) where sub.kind == .dotted || sub.kind == .implicit:
                sub.kind = .dotted
                t = sub
            default:
                throw error(kl, kc, "`\(k)` is already defined and cannot take dotted keys")
            }
        }
        let k = keys.last!
        if t.entries[k] != nil { throw error(kl, kc, "`\(keys.joined(separator: "."))` is defined twice") }
        t.entries[k] = value
        t.order.append(k)
    }

    // MARK: - Keys

    private mutating func key() throws(TOMLSyntaxError) -> [String] {
        var parts: [String] = []
        while true {
            skipSpaces()
            guard let c = peek() else { throw here("expected a key") }
            if c == UInt8(ascii: "\"") {
                parts.append(try basicString())
            } else if c == UInt8(ascii: "'") {
                parts.append(try literalString())
            } else if Self.isBare(c) {
                let start = i
                while let b = peek(), Self.isBare(b) { advance() }
                parts.append(String(decoding: bytes[start..<i], as: UTF8.self))
            } else {
                throw here("expected a key, found \(describe(c))")
            }
            skipSpaces()
            if peek() == UInt8(ascii: ".") {
                advance()
                continue
            }
            return parts
        }
    }

    private static func isBare(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
    }

    // MARK: - Values

    private mutating func value() throws(TOMLSyntaxError) -> TableBox.Entry {
        guard let c = peek() else { throw here("expected a value") }
        switch c {
        case UInt8(ascii: "\""):
            if starts(with: "\"\"\"") { return .value(.string(try multilineBasicString())) }
            return .value(.string(try basicString()))
        case UInt8(ascii: "'"):
            if starts(with: "'''") { return .value(.string(try multilineLiteralString())) }
            return .value(.string(try literalString()))
        case UInt8(ascii: "["): return .array(try array())
        case UInt8(ascii: "{"): return .table(try inlineTable())
        case UInt8(ascii: "t"):
            if starts(with: "true") && !isBareAt(i + 4) {
                i += 4
                return .value(.bool(true))
            }
        case UInt8(ascii: "f"):
            if starts(with: "false") && !isBareAt(i + 5) {
                i += 5
                return .value(.bool(false))
            }
        default: break
        }
        return .value(try numberOrDate())
    }

    private func isBareAt(_ j: Int) -> Bool { j < bytes.count && Self.isBare(bytes[j]) }

    private mutating func array() throws(TOMLSyntaxError) -> [TableBox] {
        // Arrays of plain values are stored as boxes holding one value each,
        // so that arrays of inline tables and of values share one path.
        try enter()
        defer { depth -= 1 }
        advance()
        var items: [TableBox] = []
        while true {
            skipWhitespaceCommentsAndNewlines()
            guard let c = peek() else { throw here("unterminated array: expected `]`") }
            if c == UInt8(ascii: "]") {
                advance()
                return items
            }
            let v = try value()
            items.append(TableBox(wrapping: v))
            skipWhitespaceCommentsAndNewlines()
            if peek() == UInt8(ascii: ",") {
                advance()
            } else {
                skipWhitespaceCommentsAndNewlines()
                if peek() == nil { throw here("unterminated array: expected `]`") }
                guard peek() == UInt8(ascii: "]") else { throw here("expected `,` or `]` in the array") }
            }
        }
    }

    private mutating func inlineTable() throws(TOMLSyntaxError) -> TableBox {
        try enter()
        defer { depth -= 1 }
        advance()
        let table = TableBox(kind: .inline)
        skipSpaces()
        if peek() == UInt8(ascii: "}") {
            advance()
            return table
        }
        while true {
            skipSpaces()
            try keyValue(into: table)
            skipSpaces()
            guard let c = peek() else { throw here("unterminated inline table: expected `}`") }
            if c == UInt8(ascii: "}") {
                advance()
                table.sealInline()
                return table
            }
            guard c == UInt8(ascii: ",") else { throw here("expected `,` or `}` in the inline table, found \(describe(c))") }
            advance()
        }
    }

    private mutating func enter() throws(TOMLSyntaxError) {
        depth += 1
        if depth > Self.maxDepth { throw here("nested more than \(Self.maxDepth) levels deep") }
    }

    private mutating func numberOrDate() throws(TOMLSyntaxError) -> TOMLNode {
        let (l, c) = position
        let start = i
        while let b = peek(), !(b == 0x2C || b == 0x5D || b == 0x7D || b == 0x23 || b == 0x0A || b == 0x0D || b == 0x09) {
            // A space ends the value, except between a date and a time.
            if b == 0x20 {
                let soFar = String(decoding: bytes[start..<i], as: UTF8.self)
                if Self.isDate(soFar), i + 1 < bytes.count, bytes[i + 1] >= 0x30 && bytes[i + 1] <= 0x39 {
                    advance()
                    continue
                }
                break
            }
            advance()
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if text.isEmpty { throw error(l, c, "expected a value") }
        if let v = Self.integer(text) { return .int(v) }
        if let d = Self.float(text) { return .double(d) }
        if Self.isDateTime(text) { return .datetime(text) }
        throw error(l, c, "`\(text.prefix(40))` is not a valid value (strings need quotes)")
    }

    static func integer(_ t: String) -> Int? {
        var s = Substring(t)
        var sign = 1
        if s.first == "+" || s.first == "-" {
            if s.first == "-" { sign = -1 }
            s = s.dropFirst()
            if s.hasPrefix("0x") || s.hasPrefix("0o") || s.hasPrefix("0b") { return nil }
        }
        var radix = 10
        if s.hasPrefix("0x") { radix = 16 } else if s.hasPrefix("0o") { radix = 8 } else if s.hasPrefix("0b") { radix = 2 }
        if radix != 10 { s = s.dropFirst(2) }
        guard let first = s.first, first != "_", s.last != "_", !s.contains("__") else { return nil }
        if radix == 10 && s.count > 1 && first == "0" { return nil }
        let digits = s.filter { $0 != "_" }
        guard let v = Int(digits, radix: radix) else { return nil }
        return sign == 1 ? v : -v
    }

    static func float(_ t: String) -> Double? {
        switch t {
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        case "nan", "+nan", "-nan": return .nan
        default: break
        }
        guard t.contains(".") || t.contains("e") || t.contains("E") else { return nil }
        let s = t.hasPrefix("+") || t.hasPrefix("-") ? t.dropFirst() : Substring(t)
        guard let f = s.first, f.isNumber, let l = s.last, l.isNumber, !s.contains("__"), !s.contains("_."), !s.contains("._"),
            !s.hasPrefix("0") || s.count == 1 || s.dropFirst().first == "." || s.dropFirst().first == "e"
                || s.dropFirst().first == "E"
        else { return nil }
        if let dot = s.firstIndex(of: ".") {
            let after = s[s.index(after: dot)...]
            guard let a = after.first, a.isNumber else { return nil }
        }
        return Double(t.filter { $0 != "_" })
    }

    static func isDate(_ t: String) -> Bool {
        let b = Array(t.utf8)
        guard b.count == 10 else { return false }
        for (n, c) in b.enumerated() {
            if n == 4 || n == 7 { if c != 0x2D { return false } } else if !(c >= 0x30 && c <= 0x39) { return false }
        }
        return true
    }

    static func isDateTime(_ t: String) -> Bool {
        let b = Array(t.utf8)
        func digits(_ r: Range<Int>) -> Bool { r.upperBound <= b.count && r.allSatisfy { b[$0] >= 0x30 && b[$0] <= 0x39 } }
        // Local time: HH:MM:SS[.frac]
        if b.count >= 8 && b[2] == 0x3A && digits(0..<2) && digits(3..<5) && b[5] == 0x3A && digits(6..<8) {
            return b.count == 8 || (b[8] == 0x2E && b.count > 9 && digits(9..<b.count))
        }
        guard isDate(String(decoding: b.prefix(10), as: UTF8.self)) else { return false }
        if b.count == 10 { return true }
        guard b.count >= 19, b[10] == 0x54 || b[10] == 0x74 || b[10] == 0x20 else { return false }
        return EventTimeLike.validTime(Array(b[11...]))
    }

    // MARK: - Strings

    private mutating func basicString() throws(TOMLSyntaxError) -> String {
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

    private mutating func multilineBasicString() throws(TOMLSyntaxError) -> String {
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

    private mutating func literalString() throws(TOMLSyntaxError) -> String {
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

    private mutating func multilineLiteralString() throws(TOMLSyntaxError) -> String {
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
    private mutating func closesMultiline(_ quote: UInt8, into out: inout [UInt8]) -> Bool {
        guard i + 2 < bytes.count, bytes[i] == quote, bytes[i + 1] == quote, bytes[i + 2] == quote else { return false }
        var extra = 0
        while i + 3 + extra < bytes.count && bytes[i + 3 + extra] == quote && extra < 2 { extra += 1 }
        out.append(contentsOf: repeatElement(quote, count: extra))
        i += 3 + extra
        return true
    }

    private mutating func escape(into out: inout [UInt8]) throws(TOMLSyntaxError) {
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

    private func decode(_ b: [UInt8], _ l: Int, _ c: Int) throws(TOMLSyntaxError) -> String {
        guard let s = String(validating: b, as: UTF8.self) else { throw error(l, c, "the string is not valid UTF-8") }
        return s
    }

    // MARK: - Lexing helpers

    private func peek() -> UInt8? { i < bytes.count ? bytes[i] : nil }
    private mutating func advance() { i += 1 }
    private mutating func newline() {
        i += 1
        line += 1
        lineStart = i
    }

    private func starts(with s: String) -> Bool {
        let u = Array(s.utf8)
        return i + u.count <= bytes.count && Array(bytes[i..<i + u.count]) == u
    }

    private var position: (Int, Int) { (line, i - lineStart + 1) }

    private mutating func skipSpaces() {
        while let b = peek(), b == 0x20 || b == 0x09 { advance() }
    }

    private mutating func skipNewline() {
        if starts(with: "\r\n") {
            advance()
            newline()
        } else if peek() == 0x0A {
            newline()
        }
    }

    private mutating func skipComment() {
        if peek() == UInt8(ascii: "#") {
            while let b = peek(), b != 0x0A { advance() }
        }
    }

    private mutating func skipWhitespaceCommentsAndNewlines() {
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

    private mutating func endOfLine() throws(TOMLSyntaxError) {
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

    private mutating func expect(_ c: UInt8, _ message: String) throws(TOMLSyntaxError) {
        guard peek() == c else { throw here(message) }
        advance()
    }

    private func describe(_ b: UInt8) -> String {
        if b >= 0x21 && b < 0x7F { return "`\(String(decoding: [b], as: UTF8.self))`" }
        let hex = String(b, radix: 16, uppercase: true)
        return "byte 0x" + (hex.count == 1 ? "0" : "") + hex
    }

    private func here(_ m: String) -> TOMLSyntaxError { TOMLSyntaxError(line: line, column: i - lineStart + 1, message: m) }
    private func error(_ l: Int, _ c: Int, _ m: String) -> TOMLSyntaxError { TOMLSyntaxError(line: l, column: c, message: m) }
}

/// Time-of-day validation for TOML datetimes (`HH:MM:SS[.frac][Z|±HH:MM]`).
enum EventTimeLike {
    static func validTime(_ b: [UInt8]) -> Bool {
        func d(_ k: Int) -> Bool { k < b.count && b[k] >= 0x30 && b[k] <= 0x39 }
        guard b.count >= 8, d(0), d(1), b[2] == 0x3A, d(3), d(4), b[5] == 0x3A, d(6), d(7) else { return false }
        var k = 8
        if k < b.count && b[k] == 0x2E {
            k += 1
            guard d(k) else { return false }
            while d(k) { k += 1 }
        }
        if k == b.count { return true }
        if (b[k] == 0x5A || b[k] == 0x7A) && k + 1 == b.count { return true }
        guard b[k] == 0x2B || b[k] == 0x2D, b.count == k + 6, d(k + 1), d(k + 2), b[k + 3] == 0x3A, d(k + 4), d(k + 5) else {
            return false
        }
        return true
    }
}

/// The parser's mutable tree, turned into `TOMLNode` at the end.
final class TableBox {
    enum Kind { case implicit, explicit, dotted, inline, wrapper }
    enum Entry {
        case value(TOMLNode)
        case table(TableBox)
        /// An inline array (`[…]`): complete once closed.
        case array([TableBox])
        /// An array of tables from `[[…]]` headers, which grows in place.
        case tableArray(TableArrayBox)
    }

    var kind: Kind
    var entries: [String: Entry] = [:]
    var order: [String] = []
    /// For `wrapper` boxes: the array element they hold.
    var wrapped: Entry?

    init(kind: Kind) { self.kind = kind }

    init(wrapping e: Entry) {
        kind = .wrapper
        wrapped = e
    }

    /// Inline tables are complete once closed: nothing may be added later.
    func sealInline() {
        kind = .inline
        for case .table(let t) in entries.values where t.kind == .dotted { t.sealInline() }
    }

    func node() -> [String: TOMLNode] {
        var out: [String: TOMLNode] = [:]
        for (k, e) in entries { out[k] = Self.node(e) }
        return out
    }

    static func node(_ e: Entry) -> TOMLNode {
        switch e {
        case .value(let v): return v
        case .table(let t): return .table(t.node())
        case .array(let items):
            return .array(
                items.map { box in
                    if box.kind == .wrapper, let w = box.wrapped { return node(w) }
                    return .table(box.node())
                })
        case .tableArray(let box): return .array(box.items.map { .table($0.node()) })
        }
    }
}

/// The tables of one `[[…]]` array, shared so that appending is O(1).
final class TableArrayBox {
    var items: [TableBox]
    init(_ first: TableBox) { items = [first] }
}
