/// One loaded `[[list]]`, behind one reference (`RuleSetBox.lists`), its
/// parts kept apart. A `NumberList` read out of the set's table, or out
/// of a class, to answer one look-up was copied whole, its sets and trie
/// retained and released, for every list condition of every candidate
/// rule and class (docs/benchmarks.md).
final class NumberListRef: Sendable {
    let numbers: Set<UInt64>
    let prefixes: PrefixTrie
    let extensions: Set<String>
    let extensionPrefixes: [String]

    init(_ list: NumberList) {
        numbers = list.numbers
        prefixes = list.prefixes
        extensions = list.extensions
        extensionPrefixes = list.extensionPrefixes
    }

    func contains(_ n: PhoneNumber) -> Bool {
        NumberList.contains(
            n, numbers: numbers, prefixes: prefixes, extensions: extensions, extensionPrefixes: extensionPrefixes)
    }
}
