/// A glob pattern for `match` conditions: `*` any run of characters, `?`
/// one character, everything else literal.
public struct Glob: Sendable, Hashable {
    public let pattern: String
    private let chars: [Character]
    private let literal: Bool

    public init(_ pattern: String) {
        self.pattern = pattern
        self.chars = Array(pattern)
        self.literal = !pattern.contains("*") && !pattern.contains("?")
    }

    public func matches(_ text: String) -> Bool {
        if literal { return text == pattern }
        let s = Array(text)
        var p = 0
        var i = 0
        var star = -1
        var mark = 0
        while i < s.count {
            if p < chars.count && (chars[p] == "?" || chars[p] == s[i]) {
                p += 1
                i += 1
            } else if p < chars.count && chars[p] == "*" {
                star = p
                mark = i
                p += 1
            } else if star >= 0 {
                p = star + 1
                mark += 1
                i = mark
            } else {
                return false
            }
        }
        while p < chars.count && chars[p] == "*" { p += 1 }
        return p == chars.count
    }
}
