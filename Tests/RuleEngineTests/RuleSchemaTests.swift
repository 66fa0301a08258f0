import Foundation
import RuleEngine
import Testing

/// docs/callhook-rules.schema.json and the loader accept the same keys.
@Suite("rule-file JSON Schema")
struct RuleSchemaTests {
    static let schemaURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/callhook-rules.schema.json")

    static func schema() throws -> [String: Any] {
        let data = try Data(contentsOf: schemaURL)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Follows a path of property names and `[]` (array items) or `*`
    /// (additionalProperties) and returns the keys of the object there.
    static func keys(_ root: [String: Any], _ path: [String]) throws -> Set<String> {
        var node = root
        for step in path {
            let next: Any?
            switch step {
            case "[]": next = node["items"]
            case "*": next = node["additionalProperties"]
            default: next = (node["properties"] as? [String: Any])?[step]
            }
            node = try #require(next as? [String: Any], "schema has no \(path) (at \(step))")
            if let ref = node["$ref"] as? String {
                let name = String(ref.split(separator: "/").last!)
                node = try #require((root["definitions"] as? [String: Any])?[name] as? [String: Any])
            }
        }
        #expect(node["additionalProperties"] as? Bool == false, "\(path) must reject unknown keys")
        return Set(try #require(node["properties"] as? [String: Any], "\(path) has no properties").keys)
    }

    @Test("every table of the schema has exactly the loader's keys")
    func keysAgree() throws {
        let s = try Self.schema()
        let cases: [([String], [String])] = [
            ([], RuleFileKeys.top),
            (["settings"], RuleFileKeys.settings),
            (["list", "*"], RuleFileKeys.list),
            (["schedule", "*"], RuleFileKeys.schedule),
            (["lookup"], RuleFileKeys.lookup),
            (["target", "*"], RuleFileKeys.target),
            (["target", "*", "retry"], RuleFileKeys.retry),
            (["class", "[]"], RuleFileKeys.classDefinition),
            (["class", "[]", "when"], RuleFileKeys.condition),
            (["rule", "[]"], RuleFileKeys.rule),
            (["rule", "[]", "when"], RuleFileKeys.condition),
            (["rule", "[]", "when", "not"], RuleFileKeys.condition),
            (["rule", "[]", "webhook", "[]"], RuleFileKeys.webhook + RuleFileKeys.targetOnly),
            (["rule", "[]", "workflow", "[]"], RuleFileKeys.workflow),
        ]
        for (path, loader) in cases {
            #expect(try Self.keys(s, path) == Set(loader), "schema and loader differ at \(path)")
        }
    }

    @Test("a key the schema accepts is one the loader accepts: an invented key fails both")
    func inventedKeyFails() throws {
        let s = try Self.schema()
        #expect(!(try Self.keys(s, ["rule", "[]"])).contains("filter"))
        let result = RuleLoader.load(
            [RuleLoader.File(path: "r.toml", text: "[[rule]]\nname = \"x\"\non = [\"ended\"]\nfilter = 1\n")],
            environment: [:])
        guard case .failure(let e) = result else {
            Issue.record("the loader accepted an unknown key")
            return
        }
        #expect(e.description.contains("filter"))
    }
}
