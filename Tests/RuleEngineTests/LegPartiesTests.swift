import Calls
import Foundation
import Testing

@testable import RuleEngine

/// A leg's parties are normalized once and kept with the leg
/// (`LegParties`); every later phase must still see them as a fresh
/// normalization would: under the rule set and directories of that
/// moment, and with the numbers a later event filled in.
@Suite("engine: parties kept with the leg")
struct LegPartiesTests {
    /// One rule firing a webhook at `first`, `answered` and `ended`;
    /// `extra` goes before the target (lists, classes).
    static func rules(country: String, first: String = "incoming", extra: String = "") throws -> RuleSet {
        let text = """
            [settings]
            country_code = "\(country)"

            \(extra)[target.crm]
            url = "https://crm.example.com/api"

            [[rule]]
            name = "every-phase"
            on = ["\(first)", "answered", "ended"]
            [[rule.webhook]]
            target = "crm"
            json = { caller = "{{caller.e164}}", internal = "{{caller.internal}}", remote = "{{remote.e164}}", local = "{{local.raw}}", class = "{{class}}" }

            """
        return try RuleLoader.load([RuleLoader.File(path: "t.toml", text: text)], environment: [:]).get()
    }

    func event(_ state: String, caller: String?, context: String? = nil) -> CallEvent {
        CallEvent(
            uuid: "c1", state: state, caller: caller, callerContext: context, callee: "100", calleeContext: "K1",
            direction: .inbound, extension: "100", customer: "K1", updated: "2026-01-05T10:00:00Z")
    }

    /// An outbound call from extension 100 to `callee`.
    func outbound(_ state: String, callee: String) -> CallEvent {
        CallEvent(
            uuid: "o1", state: state, caller: "100", callerContext: "K1", callee: callee, calleeContext: "global",
            direction: .outbound, extension: "100", customer: "K1", updated: "2026-01-05T10:00:00Z")
    }

    /// The generation of the parties kept with a result's leg.
    func kept(_ results: [EngineResult]) -> UInt64? {
        (results.first?.event?.leg.annotation as? LegParties)?.generation
    }

    func body(_ results: [EngineResult]) throws -> [String: String] {
        let request = try #require(results.first?.requests.first)
        let object = try #require(JSONSerialization.jsonObject(with: Data(request.bodyText.utf8)) as? [String: Any])
        // `caller.internal` renders as a JSON boolean.
        return object.mapValues { ($0 as? String) ?? (($0 as? Bool).map { "\($0)" } ?? "?") }
    }

    let t = EventTime(nanoseconds: 0)

    @Test("a reload in the middle of a call renormalizes its parties under the new settings")
    func reload() throws {
        var e = CallEngine(rules: try Self.rules(country: "49")) { "id" }
        let ring = try body(e.process(event("ring", caller: "0891234567"), arrival: t, now: t))
        #expect(ring["caller"] == "+49891234567")
        e.replaceRules(try Self.rules(country: "43"))
        let answered = e.process(event("answer", caller: "0891234567"), arrival: t, now: t)
        let answer = try body(answered)
        #expect(answer["caller"] == "+43891234567")
        #expect(answer["remote"] == "+43891234567")
        // The leg's kept parties were made again, under the new rules.
        #expect(kept(answered) == e.partiesGeneration)
    }

    @Test("the kept parties are used: made when the leg is first seen, and kept while nothing changes")
    func used() throws {
        var e = CallEngine(rules: try Self.rules(country: "49")) { "id" }
        let ring = e.process(event("ring", caller: "0891234567"), arrival: t, now: t)
        let generation = e.partiesGeneration
        #expect(kept(ring) == generation)
        // The same directory again changes nothing.
        e.setDirectory(["200": "Eva"], customer: "K1")
        let after = e.partiesGeneration
        #expect(after != generation)
        e.setDirectory(["200": "Eva"], customer: "K1")
        #expect(e.partiesGeneration == after)
        let answered = e.process(event("answer", caller: "0891234567"), arrival: t, now: t)
        #expect(kept(answered) == after)
        let leg = try #require(answered.first?.event?.leg)
        let c = EvaluationContext(
            box: RuleSetBox(e.rules), phase: .answered, leg: leg, lineChange: nil, time: t, directory: [:],
            partiesGeneration: e.partiesGeneration)
        #expect(c.usesKeptParties)
    }

    @Test("an outbound call's remote party is the callee, through the kept parties")
    func outboundCall() throws {
        var e = CallEngine(rules: try Self.rulesOutbound(country: "49")) { "id" }
        let first = e.process(outbound("dial", callee: "0891234567"), arrival: t, now: t)
        #expect(kept(first) == e.partiesGeneration)
        let dial = try body(first)
        #expect(dial["remote"] == "+49891234567")
        #expect(dial["local"] == "100")
        #expect(dial["class"] == "vip")
        e.replaceRules(try Self.rulesOutbound(country: "43"))
        let answer = try body(e.process(outbound("answer", callee: "0891234567"), arrival: t, now: t))
        #expect(answer["remote"] == "+43891234567")
        #expect(answer["class"] == "external")
    }

    /// `rules` for outbound calls, with a VIP class on the remote party.
    static func rulesOutbound(country: String) throws -> RuleSet {
        try rules(
            country: country, first: "outgoing",
            extra:
                "[list.vip]\nnumbers = [\"+49 89 1234567\"]\n\n[[class]]\nname = \"vip\"\nwhen = { remote = { list = \"vip\" } }\n\n"
        )
    }

    @Test("a directory loaded in the middle of a call makes a listed caller internal from the next phase on")
    func directory() throws {
        var e = CallEngine(rules: try Self.rules(country: "49")) { "id" }
        let ring = try body(e.process(event("ring", caller: "123456"), arrival: t, now: t))
        #expect(ring["internal"] == "false")
        #expect(ring["class"] == "external")
        e.setDirectory(["123456": "Dora"], customer: "K1")
        let answer = try body(e.process(event("answer", caller: "123456"), arrival: t, now: t))
        #expect(answer["internal"] == "true")
        #expect(answer["class"] == "internal")
    }

    @Test("a number a later event fills in is used from that event on")
    func filledIn() throws {
        var e = CallEngine(rules: try Self.rules(country: "49")) { "id" }
        let ring = try body(e.process(event("ring", caller: nil), arrival: t, now: t))
        #expect(ring["caller"] == "")
        let answer = try body(e.process(event("answer", caller: "0891234567"), arrival: t, now: t))
        #expect(answer["caller"] == "+49891234567")
        #expect(answer["class"] == "external")
        let end = try body(e.process(event("hangup", caller: "0891234567"), arrival: t, now: t))
        #expect(end["caller"] == "+49891234567")
    }

    @Test("the kept parties are the ones a fresh normalization gives")
    func sameAsFresh() throws {
        let rules = try Self.rules(country: "49")
        var e = CallEngine(rules: rules) { "id" }
        let ring = e.process(event("ring", caller: "0049 89 1234567", context: "global"), arrival: t, now: t)
        let kept = try #require(ring.first?.event)
        // `evaluate` of a copy without the kept parties normalizes afresh.
        var bare = kept
        bare.leg.annotation = nil
        #expect(try body([e.evaluate(bare, now: t)]) == body(ring))
        #expect(try body(ring)["caller"] == "+49891234567")
    }
}
