extension String {
    /// Whether any UTF-8 byte of the string satisfies `predicate`, read
    /// from the string's own storage. Through `utf8.contains(where:)` each
    /// byte costs an index step of the UTF-8 view: several times the
    /// predicate (docs/benchmarks.md, 2026-12-06 afternoon).
    @inlinable public func utf8Contains(where predicate: (UInt8) -> Bool) -> Bool {
        utf8.withContiguousStorageIfAvailable { $0.contains(where: predicate) } ?? utf8.contains(where: predicate)
    }

    /// Whether every UTF-8 byte of the string satisfies `predicate`, read
    /// as `utf8Contains(where:)` reads them.
    @inlinable public func utf8AllSatisfy(_ predicate: (UInt8) -> Bool) -> Bool {
        !utf8Contains { !predicate($0) }
    }
}
