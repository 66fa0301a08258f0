extension TOMLParser {
    // MARK: - Values

    mutating func value() throws(TOMLSyntaxError) -> TableBox.Entry {
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

    func isBareAt(_ j: Int) -> Bool { j < bytes.count && Self.isBare(bytes[j]) }

    mutating func array() throws(TOMLSyntaxError) -> [TableBox] {
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
            let (vl, vc) = position
            let v = try value()
            items.append(TableBox(wrapping: v, at: TOMLPosition(line: vl, column: vc)))
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

    mutating func inlineTable() throws(TOMLSyntaxError) -> TableBox {
        try enter()
        defer { depth -= 1 }
        let (tl, tc) = position
        advance()
        let table = TableBox(kind: .inline, at: TOMLPosition(line: tl, column: tc))
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

    mutating func enter() throws(TOMLSyntaxError) {
        depth += 1
        if depth > Self.maxDepth { throw here("nested more than \(Self.maxDepth) levels deep") }
    }
}
