/// One loaded `[[list]]`, behind one reference (`RuleSetBox.lists`). A
/// `NumberList` read out of the set's table to answer one look-up was
/// copied whole, its sets and trie retained and released, for every list
/// condition of every candidate rule and class (docs/benchmarks.md).
final class NumberListRef: Sendable {
    let list: NumberList

    init(_ list: NumberList) { self.list = list }
}
