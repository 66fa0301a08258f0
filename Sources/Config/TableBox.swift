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
    var positions: [String: TOMLPosition] = [:]
    /// Where the table starts: its header, its `{`, or the key that made it.
    var position: TOMLPosition
    /// For `wrapper` boxes: the array element they hold.
    var wrapped: Entry?

    init(kind: Kind, at position: TOMLPosition) {
        self.kind = kind
        self.position = position
    }

    init(wrapping e: Entry, at position: TOMLPosition) {
        kind = .wrapper
        wrapped = e
        self.position = position
    }

    /// Adds a new key, remembering its order and position.
    func set(_ key: String, _ entry: Entry, at position: TOMLPosition) {
        entries[key] = entry
        order.append(key)
        positions[key] = position
    }

    /// Inline tables are complete once closed: nothing may be added later.
    func sealInline() {
        kind = .inline
        for case .table(let t) in entries.values where t.kind == .dotted { t.sealInline() }
    }

    /// The finished table. Recursion is bounded: the parser refuses input
    /// nested deeper than `TOMLParser.maxDepth`.
    func node() -> TOMLTable {
        var out = TOMLTable(position: position)
        for k in order {
            guard let e = entries[k] else { continue }
            out.append(k, Self.node(e), at: positions[k] ?? position)
        }
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
