import Calls
import Foundation
import RuleEngine
import Testing

@Suite("engine: classify, match, render")
struct EngineTests {
    static let rules = """
        [settings]
        country_code = "49"

        [[class]]
        name = "internal"
        ringtone = "soft"

        [target.crm]
        url = "https://crm.example.com/api"
        headers = { X-Caller = "{{remote.name}}" }

        [[rule]]
        name = "popup"
        on = ["incoming"]
        when = { direction = "inbound", class = "external" }
        [[rule.webhook]]
        target = "crm"
        path = "/calls/{{remote.e164}}"
        query = { name = "{{remote.name}}" }
        json = { id = "{{call.id}}", name = "{{remote.name}}", answered = "{{call.answered}}", ring = "{{call.ring_duration}}", text = "Call from {{remote.display}}" }

        [[rule]]
        name = "log"
        on = ["ended"]
        when = { cause = ["missed", "busy"] }
        [[rule.webhook]]
        target = "crm"
        form = { cause = "{{call.cause}}", who = "{{remote.name}}" }

        [[rule]]
        name = "xml"
        on = ["ended"]
        [[rule.webhook]]
        target = "crm"
        body = "<call from=\\"{{remote.name}}\\"/>"
        content_type = "application/xml"
        """

    func engine() throws -> CallEngine {
        let set = try RuleLoader.load([RuleLoader.File(path: "t.toml", text: Self.rules)], environment: [:]).get()
        let counter = Counter()
        return CallEngine(rules: set) { "d-\(counter.next())" }
    }

    func ring(name: String, number: String = "0891234567", state: String = "ring", error: String? = nil) -> CallEvent {
        CallEvent(
            uuid: "c1", state: state, caller: number, callerContext: "global", callee: "100", calleeContext: "K1",
            direction: .inbound, extension: "100", customer: "K1", updated: "2026-01-05T10:00:00Z", error: error, callerName: name
        )
    }

    @Test("an inbound external call renders the pop-up request")
    func popup() throws {
        var e = try engine()
        let results = e.process(ring(name: "Ann"), arrival: EventTime(nanoseconds: 0), now: EventTime(nanoseconds: 0))
        #expect(results.count == 1)
        let r = results[0]
        #expect(r.classification?.name == "external")
        #expect(r.matchedRules == ["popup"])
        let req = try #require(r.requests.first)
        #expect(req.url == "https://crm.example.com/api/calls/%2B49891234567?name=Ann")
        #expect(req.method == "POST")
        #expect(req.deliveryID == "d-1")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(req.body!)) as? [String: Any])
        #expect(body["id"] as? String == "c1")
        #expect(body["answered"] as? Bool == false, "a single-tag value keeps its JSON type")
        #expect(body["ring"] as? Int == 0)
        #expect(body["text"] as? String == "Call from Ann")
        #expect(req.headers.contains { $0.name == "Content-Type" && $0.value == "application/json" })
    }

    @Test("internal callers are classified internal and get the configured ringtone")
    func internalClass() throws {
        var e = try engine()
        var ev = ring(name: "Bob", number: "101")
        ev.callerContext = "K1"
        let r = e.process(ev, arrival: EventTime(nanoseconds: 0), now: EventTime(nanoseconds: 0))[0]
        #expect(r.classification == Classification(name: "internal", ringtone: "soft"))
        #expect(r.requests.isEmpty)
        var anon = ring(name: "", number: "anonymous")
        anon.uuid = "c2"
        #expect(
            e.process(anon, arrival: EventTime(nanoseconds: 0), now: EventTime(nanoseconds: 0))[0].classification?.name
                == "anonymous")
    }

    static let hostile = [
        "quote\" back\\slash", "line\r\nInjected: header", "{{call.id}} {{{x}}}", "nul\u{0}byte", "tab\tand\u{1B}esc",
        "emoji 📞 and \u{2028}", String(repeating: "A\"\\\n", count: 25_000), "ampersand & < > '", "",
    ]

    @Test("hostile values keep every request well-formed", arguments: hostile)
    func hostileValues(_ name: String) throws {
        var e = try engine()
        var results = e.process(ring(name: name), arrival: EventTime(nanoseconds: 0), now: EventTime(nanoseconds: 0))
        results += e.process(
            ring(name: name, state: "hangup", error: "busy"), arrival: EventTime(nanoseconds: 0), now: EventTime(nanoseconds: 0))
        let requests = results.flatMap(\.requests)
        #expect(requests.count == 3)
        for r in requests {
            // URL: only unreserved characters and percent escapes after the host.
            let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%/?=&:")
            #expect(r.url.allSatisfy { allowed.contains($0) }, "URL not well-formed")
            #expect(URLComponents(string: r.url) != nil)
            for h in r.headers {
                #expect(
                    !h.value.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F },
                    "header \(h.name) has control characters")
            }
            let ct = r.headers.first { $0.name == "Content-Type" }?.value ?? ""
            if ct == "application/json" {
                let body = try #require(try JSONSerialization.jsonObject(with: Data(r.body!)) as? [String: Any])
                if name.isEmpty {
                    #expect(body["name"] is NSNull, "an unknown name is null")
                } else {
                    #expect(body["name"] as? String == name, "the value arrives intact")
                }
            } else if ct == "application/x-www-form-urlencoded" {
                let text = String(decoding: r.body!, as: UTF8.self)
                #expect(text.split(separator: "&").count == 2, "form fields not split by the value")
                var c = URLComponents()
                c.percentEncodedQuery = text.replacingOccurrences(of: "+", with: "%20")
                #expect(c.queryItems?.first { $0.name == "who" }?.value == name)
            } else {
                let xml = String(decoding: r.body!, as: UTF8.self)
                #expect(xml.hasPrefix("<call from=\""))
                #expect(xml.filter { $0 == "\"" }.count == 2, "XML attribute not broken out of")
            }
        }
    }
}

final class Counter: @unchecked Sendable {
    // Only used from one test at a time (engine calls are synchronous).
    private var n = 0
    func next() -> Int {
        n += 1
        return n
    }
}
