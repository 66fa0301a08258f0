import Mustache

/// A string template compiled once at load, with the escaping of the place
/// it renders into.
public struct TextTemplate: Sendable, CustomStringConvertible {
    /// The compiled parts, shared: copying a template (rules are copied into
    /// every evaluation) costs one retain.
    private final class Storage: Sendable {
        let source: String
        let escaping: Escaping
        let template: MustacheTemplate?
        let singleTag: [String]?
        let segments: [Segment]?

        init(source: String, escaping: Escaping, template: MustacheTemplate?, singleTag: [String]?, segments: [Segment]?) {
            self.source = source
            self.escaping = escaping
            self.template = template
            self.singleTag = singleTag
            self.segments = segments
        }
    }

    private let storage: Storage
    /// The template as written (after `{{env.NAME}}` was resolved).
    public var source: String { storage.source }
    public var escaping: Escaping { storage.escaping }
    private var template: MustacheTemplate? { storage.template }
    /// When the whole template is one `{{path}}` tag, its path: the JSON
    /// renderer keeps the value's type for it.
    public var singleTag: [String]? { storage.singleTag }
    /// Templates with nothing but `{{var}}` and `{{{var}}}` tags are
    /// compiled to these and rendered without the Mustache machinery (the
    /// common case, and the hot path of the engine).
    private var segments: [Segment]? { storage.segments }

    enum Segment: Sendable {
        case literal(String)
        case variable([String], escaped: Bool)
    }

    public init(_ source: String, escaping: Escaping) throws {
        _ = Escaping.registered
        var template: MustacheTemplate?
        var segments: [Segment]?
        if source.contains("{{") {
            // Plain `{{var}}` tags need no Mustache parse (a fifth of the
            // time `check` took for 10,000 rules); anything else is parsed.
            segments = Self.compileSimple(source)
            if segments == nil {
                // Always name the content type: Mustache's default is HTML escaping.
                template = try MustacheTemplate(string: "{{% CONTENT_TYPE: \(escaping.rawValue) }}" + source)
            }
        }
        storage = Storage(
            source: source, escaping: escaping, template: template, singleTag: Self.singleTagPath(source),
            segments: segments)
    }

    public func render(_ variables: Variables) -> String {
        if let segments {
            var out = ""
            for s in segments {
                switch s {
                case .literal(let l): out += l
                case .variable(let path, let escaped):
                    let text = variables.text(at: path)
                    out += escaped ? escaping.escape(text) : text
                }
            }
            return out
        }
        guard let template else { return source }
        return template.render(variables.root)
    }

    /// Whether the template is exactly one escaped `{{path}}` tag and
    /// nothing else: its rendering is then `escaping.escape(text)` of that
    /// value's text.
    var isSoleTag: Bool {
        guard let segments, segments.count == 1, case .variable(_, escaped: true) = segments[0] else { return false }
        return true
    }

    /// Splits a template into literals and plain variable tags; nil when it
    /// uses anything else (sections, comments, partials, delimiters).
    static func compileSimple(_ source: String) -> [Segment]? {
        var segments: [Segment] = []
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { segments.append(.literal(String(rest[..<open.lowerBound]))) }
            let afterOpen = rest[open.upperBound...]
            let triple = afterOpen.hasPrefix("{")
            let body = triple ? afterOpen.dropFirst() : afterOpen
            guard let close = body.range(of: triple ? "}}}" : "}}") else { return nil }
            let name = body[..<close.lowerBound].trimmingCharacters()
            // ASCII names only, as Mustache reads them: anything else goes
            // to the Mustache parser (which rejects a name like `Straße`).
            guard let first = name.first, first.isASCII && first.isLetter || first == "_",
                name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-") })
            else { return nil }
            segments.append(.variable(name.split(separator: ".").map(String.init), escaped: !triple))
            rest = body[close.upperBound...]
        }
        if !rest.isEmpty { segments.append(.literal(String(rest))) }
        return segments
    }

    public var description: String { source }

    /// Variable paths named in the template's tags (for `check` warnings).
    public var variablePaths: [String] {
        var paths: [String] = []
        var rest = Substring(source)
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            var tag = rest[..<close.lowerBound].trimmingCharacters()
            rest = rest[close.upperBound...]
            if tag.hasPrefix("{") { tag.removeFirst() }
            if tag.hasPrefix("#") || tag.hasPrefix("^") || tag.hasPrefix("&") { tag.removeFirst() }
            if tag.hasPrefix("/") || tag.hasPrefix("!") || tag.hasPrefix("%") || tag.hasPrefix(">") { continue }
            let name = tag.trimmingCharacters()
            if !name.isEmpty && name != "." { paths.append(name) }
        }
        return paths
    }

    static func singleTagPath(_ s: String) -> [String]? {
        let t = s.trimmingCharacters()
        guard t.hasPrefix("{{"), t.hasSuffix("}}"), !t.hasPrefix("{{{") else { return nil }
        let inner = t.dropFirst(2).dropLast(2)
        guard !inner.contains("{"), !inner.contains("}") else { return nil }
        let name = inner.trimmingCharacters()
        guard let first = name.first, first.isLetter || first == "_" else { return nil }
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-" }) else { return nil }
        return name.split(separator: ".").map(String.init)
    }
}
