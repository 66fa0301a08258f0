import Testing

@testable import RuleEngine

/// Templates with only `{{var}}` tags are compiled without the Mustache
/// parser; everything else still goes through it, so what loads and what
/// is rejected is the same as when every template was parsed.
@Suite struct TextTemplateTests {
    let values = Variables(["call": ["id": "c-1"], "remote": ["e164": "+4989123"], "name": "A&B"])

    @Test func plainTagsRenderWithTheirEscaping() throws {
        #expect(
            try TextTemplate("/calls/{{call.id}}?from={{remote.e164}}", escaping: .url).render(values)
                == "/calls/c-1?from=%2B4989123")
        #expect(try TextTemplate("{{{name}}} {{ name }}", escaping: .xml).render(values) == "A&B A&amp;B")
        #expect(try TextTemplate("no tags", escaping: .url).render(values) == "no tags")
    }

    @Test func sectionsStillGoThroughMustache() throws {
        let t = try TextTemplate("{{#call}}{{id}}{{/call}}", escaping: .none)
        #expect(t.render(values) == "c-1")
    }

    @Test func whatMustacheRejectsIsStillAnError() {
        // Non-ASCII names (Mustache reads ASCII names only), an unclosed tag
        // and an unclosed section fail at load as they always did.
        #expect(throws: (any Error).self) { try TextTemplate("{{lookup.custom.Straße}}", escaping: .jsonString) }
        #expect(throws: (any Error).self) { try TextTemplate("{{call.id", escaping: .url) }
        #expect(throws: (any Error).self) { try TextTemplate("{{#call}}{{id}}", escaping: .none) }
    }
}
