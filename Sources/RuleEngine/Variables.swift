/// Where template variables come from for one event: values resolved on
/// demand (the fast path), or the whole tree (Mustache sections, `match`).
protocol VariableSource: AnyObject {
    /// The value at a path, or nil when it does not exist.
    func value(at path: [String]) -> Any?
    /// Every variable as a tree of dictionaries.
    func tree() -> [String: Any]
}

/// The values templates can use for one rendering: a tree whose leaves are
/// `String`, `Bool`, `Int`, `Double` or absent.
///
/// Values are resolved from the event when asked for; the full tree is only
/// built for templates that need it. Built per phase event; not shared
/// across threads.
public struct Variables {
    /// Top-level values set by callers (tests, `callhook test`).
    private var overrides: [String: Any]
    /// `rule`, `now`, `ringtone` and `delivery.id` of one request, typed:
    /// no dictionary is built per request.
    var request: RequestValues?
    private let source: (any VariableSource)?

    public init(_ root: [String: Any] = [:]) {
        overrides = root
        source = nil
    }

    init(source: any VariableSource) {
        overrides = [:]
        self.source = source
    }

    /// Every variable as a tree of dictionaries.
    public var root: [String: Any] {
        var tree = source.map { $0.tree().merging(overrides) { $1 } } ?? overrides
        if let request {
            tree["rule"] = request.rule
            tree["now"] = request.now
            if let r = request.ringtone { tree["ringtone"] = r }
            if let id = request.deliveryID { tree["delivery"] = ["id": id] as [String: Any] }
        }
        return tree
    }

    /// The value at a dotted path, or nil.
    public func value(at path: [String]) -> Any? {
        guard let head = path.first else { return nil }
        if let request, let value = request.value(at: path) { return value }
        // Overrides are for tests and `callhook test`: an empty table is
        // not asked (each look-up hashed the name).
        if !overrides.isEmpty, let top = overrides[head] {
            var current: Any = top
            for part in path.dropFirst() {
                guard let dict = current as? [String: Any], let next = dict[part] else { return nil }
                current = next
            }
            return current
        }
        return source?.value(at: path)
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
        get { value(at: [key]) }
        set { overrides[key] = newValue }
    }
}

/// The values of one request on top of the event's (`Variables.request`).
struct RequestValues {
    var rule: String
    var now: String
    var ringtone: String?
    var deliveryID: String?

    /// `.some(value)` for a path these values answer, nil for any other.
    func value(at path: [String]) -> Any?? {
        switch path[0] {
        case "rule": return .some(path.count == 1 ? rule : nil)
        case "now": return .some(path.count == 1 ? now : nil)
        case "ringtone": return ringtone.map { path.count == 1 ? $0 : nil }
        case "delivery":
            guard let deliveryID else { return nil }
            if path.count == 1 { return .some(["id": deliveryID] as [String: Any]) }
            return .some(path.count == 2 && path[1] == "id" ? deliveryID : nil)
        default: return nil
        }
    }
}
