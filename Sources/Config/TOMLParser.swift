/// A TOML 1.0 parser in Swift, written for rule files: every error carries
/// its line and column, any input (invalid UTF-8, NUL bytes, deep nesting)
/// gives a result or an error — never a crash — and nothing is shared
/// between parses.
struct TOMLParser {
    let bytes: [UInt8]
    var i = 0
    var line = 1
    var lineStart = 0
    var depth = 0
    /// How deep tables, arrays and dotted keys may nest, counted together
    /// (a dotted key of 100,000 parts is an error, not a crash).
    static let maxDepth = 64

    init(_ text: String) { bytes = Array(text.utf8) }

    /// Parses a document into its root table.
    static func parse(_ text: String) throws(TOMLSyntaxError) -> TOMLTable {
        var p = TOMLParser(text)
        let root = TableBox(kind: .explicit, at: TOMLPosition(line: 1, column: 1))
        try p.document(root)
        return root.node()
    }

    // MARK: - Document

    mutating func document(_ root: TableBox) throws(TOMLSyntaxError) {
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

    mutating func tableHeader(_ root: TableBox) throws(TOMLSyntaxError) -> TableBox {
        let (hl, hc) = position
        advance()
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { advance() }
        skipSpaces()
        let keys = try key()
        if keys.count > Self.maxDepth { throw error(hl, hc, "the table name has more than \(Self.maxDepth) parts") }
        skipSpaces()
        try expect(UInt8(ascii: "]"), "expected `]` to close the table header")
        let at = TOMLPosition(line: hl, column: hc)
        if isArray { try expect(UInt8(ascii: "]"), "expected `]]` to close the array-of-tables header") }
        var table = root
        for (n, k) in keys.enumerated() {
            let last = n == keys.count - 1
            switch table.entries[k] {
            case nil:
                if last && isArray {
                    let t = TableBox(kind: .explicit, at: at)
                    table.set(k, .tableArray(TableArrayBox(t)), at: at)
                    return t
                }
                let t = TableBox(kind: last ? .explicit : .implicit, at: at)
                table.set(k, .table(t), at: at)
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
                    t.position = at
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
                    let t = TableBox(kind: .explicit, at: at)
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

    mutating func keyValue(into table: TableBox) throws(TOMLSyntaxError) {
        let (kl, kc) = position
        let keys = try key()
        if depth + keys.count > Self.maxDepth {
            throw error(kl, kc, "the key is nested more than \(Self.maxDepth) levels deep")
        }
        let at = TOMLPosition(line: kl, column: kc)
        skipSpaces()
        try expect(UInt8(ascii: "="), "expected `=` after the key")
        skipSpaces()
        depth += keys.count - 1
        let value = try self.value()
        depth -= keys.count - 1
        var t = table
        for k in keys.dropLast() {
            switch t.entries[k] {
            case nil:
                let sub = TableBox(kind: .dotted, at: at)
                t.set(k, .table(sub), at: at)
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
        t.set(k, value, at: at)
    }

    // MARK: - Keys

    mutating func key() throws(TOMLSyntaxError) -> [String] {
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

    static func isBare(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
    }
}
