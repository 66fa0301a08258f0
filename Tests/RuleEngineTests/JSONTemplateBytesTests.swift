import Foundation
import RuleEngine
import Testing

/// A JSON body is written as bytes (`renderJSONBytes`); it must be the
/// same text as the template's rendered value serialized, whatever the
/// values hold.
@Suite("JSON bodies written as bytes")
struct JSONTemplateBytesTests {
    static let hostile: [any Sendable] = [
        "plain", "", "quote \" and back\\slash", "line\nbreak\r\ttab", "nul \u{0} del \u{7F}", "sep \u{2028}\u{2029}",
        "ümlaut and 😀", "{{not a tag}}", String(repeating: "x", count: 5_000), true, false, 0, -42, Int.max,
        Int64(7), 1.5, -0.25, 1e300, 12.0, Double.infinity,
    ]

    @Test("renderJSONBytes equals render(_:).serialized() for generated templates and hostile values")
    func sameAsSerialized() throws {
        var rng = SystemRandomNumberGenerator()
        let names = ["a", "b", "c"]
        for _ in 0..<2_000 {
            var root: [String: Any] = [:]
            for n in names where Bool.random(using: &rng) {
                root[n] = Self.hostile.randomElement(using: &rng)!
            }
            let variables = Variables(root)
            let template = try Self.template(depth: 0, rng: &rng)
            let bytes = template.renderJSONBytes(variables)
            let expected = Array(template.render(variables).serialized().utf8)
            #expect(bytes == expected)
            #expect(template.renderJSON(variables) == template.render(variables).serialized())
            // And it is JSON.
            #expect((try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil)
        }
    }

    static func template(depth: Int, rng: inout SystemRandomNumberGenerator) throws -> JSONTemplate {
        let pick = depth > 2 ? Int.random(in: 2...4, using: &rng) : Int.random(in: 0...4, using: &rng)
        switch pick {
        case 0:
            return .object(
                try (0..<Int.random(in: 0...3, using: &rng)).map { i in
                    (["k\(i)", "quote\"key", "line\nkey"].randomElement(using: &rng)!, try template(depth: depth + 1, rng: &rng))
                })
        case 1:
            return .array(try (0..<Int.random(in: 0...3, using: &rng)).map { _ in try template(depth: depth + 1, rng: &rng) })
        case 2:
            let source = ["{{a}}", "{{{b}}}", "x {{c}} y", "{{a}}{{b}}", "literal \"text\"", "{{missing}}", ""]
                .randomElement(using: &rng)!
            return .string(try TextTemplate(source, escaping: .none))
        case 3:
            return .literal(
                [JSONValue.int(3), .double(2.5), .bool(true), .null, .string("lit\"eral\n")].randomElement(using: &rng)!)
        default:
            return .string(try TextTemplate("{{a}}", escaping: .none))
        }
    }
}
