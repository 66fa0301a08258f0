/// A named number list (`[list.NAME]`), built to stay fast with millions of
/// entries: numbers as integers in a hash set, prefixes in a digit trie.
public struct NumberList: Sendable {
    public let name: String
    private(set) var numbers = Set<UInt64>()
    private(set) var prefixes = PrefixTrie()
    private(set) var extensions = Set<String>()
    private(set) var extensionPrefixes: [String] = []
    public private(set) var count = 0

    public init(name: String) { self.name = name }

    /// Room for `count` more numbers without the set growing on the way.
    public mutating func reserveCapacity(_ count: Int) { numbers.reserveCapacity(numbers.count + count) }

    public mutating func insert(_ p: NumberPattern) {
        count += 1
        switch p {
        case .number(let v): numbers.insert(v)
        case .prefix(let d): prefixes.insert(d)
        case .extension(let e): extensions.insert(e)
        case .extensionPrefix(let e): extensionPrefixes.append(e)
        }
    }

    public func contains(_ n: PhoneNumber) -> Bool {
        Self.contains(n, numbers: numbers, prefixes: prefixes, extensions: extensions, extensionPrefixes: extensionPrefixes)
    }

    /// The look-up on the list's parts (`NumberListRef` keeps them apart).
    static func contains(
        _ n: PhoneNumber, numbers: Set<UInt64>, prefixes: PrefixTrie, extensions: Set<String>, extensionPrefixes: [String]
    ) -> Bool {
        if n.isInternal {
            return extensions.contains(n.raw) || extensionPrefixes.contains { n.raw.hasPrefix($0) }
        }
        if let key = n.key, numbers.contains(key) { return true }
        return prefixes.matchesPrefix(of: n.digits)
    }
}

/// Digit prefixes in a flat trie: node i's children are `children[i*10 ..< i*10+10]`.
struct PrefixTrie: Sendable {
    private var children: [Int32] = Array(repeating: -1, count: 10)
    private var terminal: [Bool] = [false]
    var isEmpty: Bool { terminal.count == 1 && !terminal[0] }

    mutating func insert(_ digits: String) {
        var node = 0
        for b in digits.utf8 {
            let d = Int(b) - 48
            guard d >= 0 && d < 10 else { return }
            let slot = node * 10 + d
            if children[slot] < 0 {
                children[slot] = Int32(terminal.count)
                terminal.append(false)
                children.append(contentsOf: repeatElement(-1, count: 10))
            }
            node = Int(children[slot])
        }
        terminal[node] = true
    }

    /// True when some stored prefix is a prefix of `digits`.
    func matchesPrefix(of digits: String) -> Bool {
        if terminal.count == 1 { return terminal[0] }
        var node = 0
        if terminal[node] { return true }
        for b in digits.utf8 {
            let d = Int(b) - 48
            guard d >= 0 && d < 10 else { return false }
            let next = children[node * 10 + d]
            if next < 0 { return false }
            node = Int(next)
            if terminal[node] { return true }
        }
        return false
    }
}
