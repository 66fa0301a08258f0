import Calls

/// Rules of one phase indexed by their most selective condition, so an
/// event looks at the few rules that can match instead of all of them:
/// rules naming exact extensions are found by extension, rules naming
/// exact remote numbers by number; the rest are scanned.
struct RuleIndex: Sendable {
    var byExtension: [String: [Int]] = [:]
    var byRemote: [UInt64: [Int]] = [:]
    var scan: [Int] = []

    init(rules: [Rule], indices: [Int]) {
        for i in indices {
            let when = rules[i].when
            if let exts = when.extensions, !exts.isEmpty, let exact = Self.exactExtensions(exts) {
                for e in exact { byExtension[e, default: []].append(i) }
            } else if let remote = when.remote, !remote.isEmpty, let keys = Self.exactNumbers(remote) {
                for k in keys { byRemote[k, default: []].append(i) }
            } else {
                scan.append(i)
            }
        }
    }

    /// Rule indices that can match, in rule order.
    func candidates(extension ext: String, remoteKey: UInt64?) -> [Int] {
        let a = byExtension[ext] ?? []
        let b = remoteKey.flatMap { byRemote[$0] } ?? []
        if a.isEmpty && b.isEmpty { return scan }
        return Self.merge(Self.merge(a, b), scan)
    }

    static func exactExtensions(_ patterns: [NumberPattern]) -> Set<String>? {
        var out = Set<String>()
        for p in patterns {
            guard case .extension(let e) = p else { return nil }
            out.insert(e)
        }
        return out
    }

    static func exactNumbers(_ matchers: [PartyMatcher]) -> Set<UInt64>? {
        var out = Set<UInt64>()
        for m in matchers {
            guard case .pattern(.number(let k)) = m else { return nil }
            out.insert(k)
        }
        return out
    }

    /// Merges two ascending lists (duplicates kept once).
    static func merge(_ a: [Int], _ b: [Int]) -> [Int] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        var out: [Int] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0
        var j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && a[i] < b[j]) {
                out.append(a[i])
                i += 1
            } else if i == a.count || b[j] < a[i] {
                out.append(b[j])
                j += 1
            } else {
                out.append(a[i])
                i += 1
                j += 1
            }
        }
        return out
    }
}
