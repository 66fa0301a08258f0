/// A TOML table: its keys in file order, each with the position of the key.
///
/// Two tables are equal when they hold the same keys and values, whatever
/// their order and positions.
public struct TOMLTable: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public struct Entry: Sendable {
        public var key: String
        public var value: TOMLNode
        /// Where the key is written (for a `[header]`, where the header is).
        public var position: TOMLPosition
    }

    public private(set) var entries: [Entry] = []
    private var index: [String: Int] = [:]
    /// Where the table starts: its header, its `{`, or its first key.
    public var position: TOMLPosition

    public init(position: TOMLPosition = TOMLPosition(line: 1, column: 1)) { self.position = position }

    public init(dictionaryLiteral elements: (String, TOMLNode)...) {
        self.init()
        for (k, v) in elements { append(k, v, at: position) }
    }

    /// Adds a key (the parser never adds one twice; a second add replaces).
    public mutating func append(_ key: String, _ value: TOMLNode, at position: TOMLPosition) {
        if let i = index[key] {
            entries[i].value = value
            return
        }
        index[key] = entries.count
        entries.append(Entry(key: key, value: value, position: position))
    }

    public subscript(key: String) -> TOMLNode? { index[key].map { entries[$0].value } }
    public func position(of key: String) -> TOMLPosition? { index[key].map { entries[$0].position } }
    public var keys: [String] { entries.map(\.key) }
    /// The entries as `(key, value, position)`, in file order.
    public var located: [(key: String, value: TOMLNode, position: TOMLPosition)] {
        entries.map { ($0.key, $0.value, $0.position) }
    }
    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    public func makeIterator() -> AnyIterator<(key: String, value: TOMLNode)> {
        var i = entries.makeIterator()
        return AnyIterator { i.next().map { (key: $0.key, value: $0.value) } }
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.count == b.count && a.entries.allSatisfy { b[$0.key] == $0.value }
    }
}
