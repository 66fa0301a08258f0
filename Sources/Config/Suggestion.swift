/// `; did you mean `x`?` when a known name is close to the one given.
public func suggestion(_ given: String, _ known: [String]) -> String {
    // Long names are not compared: the distance table grows with both lengths.
    guard given.utf8.count <= 200 else { return "" }
    let scored = known.map { ($0, editDistance(given, $0)) }.filter { $0.1 <= max(2, given.count / 3) }
    guard let best = scored.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }) else { return "" }
    return "; did you mean `\(best.0)`?"
}

/// The Levenshtein distance between two names.
public func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var prev = Array(0...b.count)
    var cur = prev
    for i in 1...a.count {
        cur[0] = i
        for j in 1...b.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[b.count]
}

extension StringProtocol {
    /// The text without leading and trailing whitespace.
    public func trimmingCharacters() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
