/// The values templates can use for one rendering: a tree of dictionaries
/// whose leaves are `String`, `Bool`, `Int`, `Double` or absent.
///
/// Built fresh per phase event; not shared across threads.
public struct Variables {
    public var root: [String: Any]

    public init(_ root: [String: Any] = [:]) { self.root = root }

    /// The value at a dotted path, or nil.
    public func value(at path: [String]) -> Any? {
        var current: Any = root
        for part in path {
            guard let dict = current as? [String: Any], let next = dict[part] else { return nil }
            current = next
        }
        return current
    }

    /// The value at a path as text (`""` when absent), for `match` conditions.
    public func text(at path: [String]) -> String {
        switch value(at: path) {
        case .none: ""
        case let s as String: s
        case let b as Bool: b ? "true" : "false"
        case let v?: "\(v)"
        }
    }

    public subscript(key: String) -> Any? {
        get { root[key] }
        set { root[key] = newValue }
    }
}
