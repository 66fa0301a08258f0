import Mustache

/// A string template compiled once at load, with the escaping of the place
/// it renders into.
public struct TextTemplate: Sendable, CustomStringConvertible {
    /// The template as written (after `{{env.NAME}}` was resolved).
    public let source: String
    public let escaping: Escaping
    private let template: MustacheTemplate?
    /// When the whole template is one `{{path}}` tag, its path: the JSON
    /// renderer keeps the value's type for it.
    public let singleTag: [String]?

    public init(_ source: String, escaping: Escaping) throws {
        _ = Escaping.registered
        self.source = source
        self.escaping = escaping
        if source.contains("{{") {
            // Always name the content type: Mustache's default is HTML escaping.
            self.template = try MustacheTemplate(string: "{{% CONTENT_TYPE: \(escaping.rawValue) }}" + source)
        } else {
            self.template = nil
        }
        self.singleTag = Self.singleTagPath(source)
    }

    public func render(_ variables: Variables) -> String {
        guard let template else { return source }
        return template.render(variables.root)
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

extension StringProtocol {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
