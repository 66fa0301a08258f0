import Calls
import Foundation
import RuleEngine
import Testing

@Suite("engine: caller lookup results and the workflow id chain")
struct LookupEngineTests {
    static let rules = """
        [settings]
        country_code = "49"

        [lookup]
        url = "https://crm.example.com/phone-lookup"

        [[class]]
        name = "gold-customer"
        when = { match = { "remote.custom.Tier" = "Gold" } }
        ringtone = "gold"

        [target.crm]
        url = "https://crm.example.com/api"
        user_ids = { "100" = "crm-user-17" }

        [[rule]]
        name = "popup"
        on = ["incoming"]
        [[rule.webhook]]
        target = "crm"
        json = { name = "{{remote.display}}", company = "{{remote.company}}", crm = "{{remote.crm_id}}", n = "{{remote.contacts}}", tier = "{{remote.custom.Tier}}", url = "{{remote.contact_url}}" }

        [[rule]]
        name = "flow"
        on = ["incoming", "ended"]
        [[rule.workflow]]
        target = "crm"
        name = "CallFlow"
        """

    static func event(_ state: String, caller: String = "49891234567", context: String = "global") -> CallEvent {
        CallEvent(
            uuid: "u1", state: state, caller: caller, callerContext: context, callee: "100", calleeContext: "K1",
            direction: .inbound, extension: "100", customer: "K1", updated: "2026-01-01T10:00:00Z")
    }

    @Test("only external remote parties of a call not looked up yet are candidates")
    func candidates() throws {
        var h = try Harness(Self.rules)
        #expect(h.engine.lookupCandidate(Self.event("ring"))?.digits == "49891234567")
        #expect(h.engine.lookupCandidate(Self.event("ring", caller: "200", context: "K1")) == nil)
        #expect(h.engine.lookupCandidate(Self.event("ring", caller: "anonymous", context: "")) == nil)
        h.engine.setLookup(nil, callID: "u1")
        #expect(h.engine.lookupCandidate(Self.event("answer")) == nil)
    }

    @Test("a lookup result fills the party's fields, the class and the workflow's contactCrmId")
    func variables() throws {
        var h = try Harness(Self.rules)
        h.engine.setLookup(
            PartyLookup(
                name: "Alexa Holiday", company: "White Cross Co", contactURL: "https://crm.example.com/c/17", crmID: "C-17",
                custom: ["Tier": "Gold"], contacts: 2), callID: "u1")
        let results = h.engine.process(Self.event("ring"), arrival: EventTime(nanoseconds: 0), now: EventTime(nanoseconds: 0))
        let r = try #require(results.first)
        #expect(r.classification?.name == "gold-customer")
        #expect(r.ringtone == "gold")
        let popup = try #require(r.requests.first { $0.rule == "popup" })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(popup.body!)) as? [String: Any])
        #expect(json["name"] as? String == "Alexa Holiday")
        #expect(json["company"] as? String == "White Cross Co")
        #expect(json["crm"] as? String == "C-17")
        #expect((json["n"] as? Int) == 2)
        #expect(json["tier"] as? String == "Gold")
        #expect(json["url"] as? String == "https://crm.example.com/c/17")
        let flow = try #require(r.requests.first { $0.rule == "flow" })
        let inputs = try #require(
            (try JSONSerialization.jsonObject(with: Data(flow.body!)) as? [String: Any])?["inputs"] as? [String: Any])
        #expect(inputs["contactCrmId"] as? String == "C-17")
        #expect(inputs["userCrmId"] as? String == "crm-user-17")
        #expect(inputs["originatorName"] as? String == "Alexa Holiday")
    }

    @Test("without a result the number is the display and the class stays external")
    func noResult() throws {
        var h = try Harness(Self.rules)
        let r = try #require(
            h.engine.process(Self.event("ring"), arrival: EventTime(nanoseconds: 0), now: EventTime(nanoseconds: 0)).first)
        #expect(r.classification?.name == "external")
        let popup = try #require(r.requests.first { $0.rule == "popup" })
        let json = try #require(try JSONSerialization.jsonObject(with: Data(popup.body!)) as? [String: Any])
        #expect(json["name"] as? String == "+49891234567")
        #expect(json["company"] == nil || json["company"] is NSNull || json["company"] as? String == "")
    }

    @Test("a workflow's inputs.id is filled in when sent: null first, then the call's latest id for the target")
    func workflowID() throws {
        var h = try Harness(Self.rules)
        let r = try #require(
            h.engine.process(Self.event("ring"), arrival: EventTime(nanoseconds: 0), now: EventTime(nanoseconds: 0)).first)
        let flow = try #require(r.requests.first { $0.rule == "flow" })
        #expect(flow.capture[CallEngine.workflowIDName(target: "crm")] == "workflow:id")
        let late = try #require(flow.lateBound)
        func id(_ values: [String: String]) throws -> Any? {
            let body = try #require(late.resolve(values).body)
            let inputs = (try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])?["inputs"] as? [String: Any]
            return inputs?["id"]
        }
        #expect(try id([:]) is NSNull)
        #expect(try id([CallEngine.workflowIDName(target: "crm"): "CF-9\"1"]) as? String == "CF-9\"1")
        #expect(try id([CallEngine.workflowIDName(target: "other"): "X"]) is NSNull)
        #expect(late.resolve([:]).url == "https://crm.example.com/api/CallFlow")
    }
}
