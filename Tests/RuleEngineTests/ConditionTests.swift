import Calls
import Foundation
import RuleEngine
import Testing

/// Loads a rule set from text and runs events through it.
struct Harness {
    var engine: CallEngine

    init(_ text: String) throws {
        let set = try RuleLoader.load([RuleLoader.File(path: "t.toml", text: text)], environment: [:]).get()
        let counter = Counter()
        engine = CallEngine(rules: set) { "d-\(counter.next())" }
    }

    /// Rules matched per phase for a sequence of (state, ISO time, error) on one inbound leg.
    mutating func matched(
        _ states: [(String, String, String?)], caller: String = "49891234567", context: String = "global", ext: String = "100",
        direction: Direction = .inbound
    ) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for (state, time, error) in states {
            let ev = CallEvent(
                uuid: "u", state: state, caller: direction == .inbound ? caller : ext,
                callerContext: direction == .inbound ? context : "K1",
                callee: direction == .inbound ? ext : caller, calleeContext: direction == .inbound ? "K1" : context,
                direction: direction,
                extension: ext, customer: "K1", updated: time, error: error)
            for r in engine.process(ev, arrival: EventTime(nanoseconds: 0), now: EventTime(nanoseconds: 0)) {
                out[r.phase.rawValue] = r.matchedRules
            }
        }
        return out
    }
}

@Suite("conditions")
struct ConditionTests {
    @Test("schedules are evaluated at the event's time in the rule set's time zone, with daylight saving")
    func schedules() throws {
        var h = try Harness(
            """
            [settings]
            timezone = "Europe/Berlin"
            [schedule.office]
            hours = ["Mon-Fri 08:00-18:00"]
            except = ["2026-12-24"]
            [schedule.night]
            hours = ["daily 22:00-06:00"]
            [[rule]]
            name = "in-office"
            on = ["incoming"]
            when = { during = "office" }
            [[rule]]
            name = "at-night"
            on = ["incoming"]
            when = { during = "night" }
            [[rule]]
            name = "outside-office"
            on = ["incoming"]
            when = { outside = "office" }
            """)
        func at(_ t: String) -> [String] {
            h.engine.tracker = CallTracker()
            return h.matched([("ring", t, nil)])["incoming"] ?? []
        }
        #expect(at("2026-11-17T07:30:00Z") == ["in-office"])  // Tue 08:30 CET
        #expect(at("2026-11-17T06:30:00Z") == ["outside-office"])  // 07:30 CET
        #expect(at("2026-07-01T06:30:00Z") == ["in-office"])  // Wed 08:30 CEST
        #expect(at("2026-11-17T17:30:00Z") == ["outside-office"])  // 18:30
        #expect(at("2026-11-21T10:00:00Z") == ["outside-office"])  // Saturday
        #expect(at("2026-12-24T10:00:00Z") == ["outside-office"])  // excluded day
        #expect(at("2026-11-17T23:30:00Z") == ["at-night", "outside-office"])  // 00:30 Wed, from Tue's night window
        #expect(at("2026-11-17T21:30:00Z") == ["at-night", "outside-office"])  // 22:30
    }

    @Test("caller, remote, extension, lists, regexes, durations, match, not and any")
    func keys() throws {
        var h = try Harness(
            """
            [settings]
            country_code = "49"
            [list.vip]
            numbers = ["+49 89 1234567"]
            [[rule]]
            name = "vip"
            on = ["incoming"]
            when = { remote = { list = "vip" } }
            [[rule]]
            name = "munich-regex"
            on = ["incoming"]
            when = { caller = { regex = "^\\\\+4989" } }
            [[rule]]
            name = "ext-1xx"
            on = ["incoming"]
            when = { extension = "1*" }
            [[rule]]
            name = "long-ring"
            on = ["ended"]
            when = { min_ring = "10s", cause = "missed" }
            [[rule]]
            name = "long-talk"
            on = ["ended"]
            when = { min_duration = "1m", max_duration = "1h" }
            [[rule]]
            name = "match-glob"
            on = ["incoming"]
            when = { match = { "remote.e164" = ["+4930*", "+4989*"], "call.answered" = false } }
            [[rule]]
            name = "not-any"
            on = ["incoming"]
            when = { not = { extension = "2*" }, any = [{ caller = "+4930*" }, { caller = "+4989*" }] }
            """)
        let r = h.matched([("ring", "2026-01-01T00:00:00Z", nil), ("hangup", "2026-01-01T00:00:12Z", nil)])
        #expect(r["incoming"] == ["vip", "munich-regex", "ext-1xx", "match-glob", "not-any"])
        #expect(r["ended"] == ["long-ring"])
        h.engine.tracker = CallTracker()
        let other = h.matched(
            [
                ("ring", "2026-01-01T00:00:00Z", nil), ("answer", "2026-01-01T00:00:02Z", nil),
                ("hangup", "2026-01-01T00:02:00Z", nil),
            ],
            caller: "4940111", ext: "200")
        #expect(other["incoming"] == [])
        #expect(other["ended"] == ["long-talk"])
    }

    /// A rule's or class's own party matchers find their lists once, when
    /// the set is loaded (`ResolvedMatcher`); nested `not` and `any` find
    /// them by name. Both must answer alike.
    @Test("a list condition holds alike at the top of a rule, in a class, and nested in not and any")
    func listsEverywhere() throws {
        var h = try Harness(
            """
            [settings]
            country_code = "49"
            [list.vip]
            numbers = ["+49 89 1234567", "+4940*"]
            [list.blocked]
            numbers = ["+4930111"]
            [[class]]
            name = "spam"
            when = { remote = { list = "blocked" } }
            [[class]]
            name = "gold"
            when = { remote = { list = "vip" } }
            [[rule]]
            name = "top"
            on = ["incoming"]
            when = { caller = { list = "vip" } }
            [[rule]]
            name = "class"
            on = ["incoming"]
            when = { class = "gold" }
            [[rule]]
            name = "not-vip"
            on = ["incoming"]
            when = { not = { remote = { list = "vip" } } }
            [[rule]]
            name = "any-vip"
            on = ["incoming"]
            when = { any = [{ callee = "999" }, { remote = { list = "vip" } }] }
            """)
        #expect(h.matched([("ring", "2026-01-01T00:00:00Z", nil)])["incoming"] == ["top", "class", "any-vip"])
        h.engine.tracker = CallTracker()
        #expect(h.matched([("ring", "2026-01-01T00:00:00Z", nil)], caller: "4940555")["incoming"] == ["top", "class", "any-vip"])
        h.engine.tracker = CallTracker()
        #expect(h.matched([("ring", "2026-01-01T00:00:00Z", nil)], caller: "4930111")["incoming"] == ["not-vip"])
        // Outbound, the remote party is the callee: the list is looked up
        // for it, and the extension (the caller) is not in any list.
        func dialled(_ uuid: String, callee: String) -> [String?] {
            h.engine.tracker = CallTracker()
            return h.engine.process(
                CallEvent(
                    uuid: uuid, state: "dial", caller: "100", callerContext: "K1", callee: callee, calleeContext: "global",
                    direction: .outbound, extension: "100", customer: "K1", updated: "2026-01-01T00:00:00Z"),
                arrival: EventTime(nanoseconds: 0), now: EventTime(nanoseconds: 0)
            ).map(\.classification?.name)
        }
        #expect(dialled("o", callee: "0891234567") == ["gold"])
        #expect(dialled("p", callee: "030111") == ["spam"])
    }

    @Test("line rules see the new and the previous state")
    func line() throws {
        var h = try Harness(
            """
            [[rule]]
            name = "went-dnd"
            on = ["line"]
            when = { presence = "dnd", previous_presence = ["available", "away"] }
            [[rule]]
            name = "ringing"
            on = ["line"]
            when = { line = "ringing" }
            """)
        let t = EventTime(nanoseconds: 0)
        #expect(
            h.engine.process(
                line: LineStateEvent(customer: "K1", extension: "100", line: "idle", presence: "available"), snapshot: true,
                arrival: t, now: t) == nil)
        let a = h.engine.process(
            line: LineStateEvent(customer: "K1", extension: "100", presence: "dnd"), snapshot: false, arrival: t, now: t)
        #expect(a?.matchedRules == ["went-dnd"])
        let b = h.engine.process(
            line: LineStateEvent(customer: "K1", extension: "100", line: "ringing"), snapshot: false, arrival: t, now: t)
        #expect(b?.matchedRules == ["ringing"])
    }

    @Test("unknown variables are warnings with the nearest valid name")
    func variableWarnings() throws {
        let set = try RuleLoader.load(
            [
                RuleLoader.File(
                    path: "w.toml",
                    text:
                        "[target.t]\nurl = \"https://x\"\n[[rule]]\nname = \"r\"\non = [\"ended\"]\n[[rule.webhook]]\ntarget = \"t\"\njson = { a = \"{{call.durration}}\" }\n"
                )
            ], environment: [:]
        ).get()
        #expect(
            set.warnings.map(\.description) == [
                #"w.toml:8:1: warning: rule "r": webhook.json: unknown variable `call.durration`; did you mean `call.duration`?"#
            ])
    }

    @Test("workflows post the CONNECTOR inputs")
    func workflow() throws {
        var h = try Harness(
            """
            [target.crm]
            url = "https://connector.example.com/workflows"
            user_ids = { "100" = "crm-user-17" }
            [[rule]]
            name = "flow"
            on = ["ended"]
            [[rule.workflow]]
            target = "crm"
            name = "CallFlow"
            """)
        var results: [EngineResult] = []
        for (state, t, e) in [("ring", "2026-01-01T10:00:00Z", nil), ("hangup", "2026-01-01T10:00:20Z", "timeout" as String?)] {
            let ev = CallEvent(
                uuid: "u", state: state, caller: "49891234567", callerContext: "global", callee: "100", calleeContext: "K1",
                direction: .inbound, extension: "100", customer: "K1", updated: t, error: e)
            results += h.engine.process(ev, arrival: EventTime(nanoseconds: 0), now: EventTime(nanoseconds: 0))
        }
        let r = try #require(results.flatMap(\.requests).first)
        #expect(r.method == "POST")
        #expect(r.url == "https://connector.example.com/workflows/CallFlow")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(r.body!)) as? [String: Any])
        let inputs = try #require(body["inputs"] as? [String: Any])
        #expect(inputs["userCrmId"] as? String == "crm-user-17")
        #expect(inputs["originatorNumber"] as? String == "+49891234567")
        #expect(inputs["direction"] as? String == "incoming")
        #expect(inputs["answeredTime"] as? String == "")
        #expect(inputs["declinedTime"] as? String == "2026-01-01T10:00:20Z")
        #expect(inputs["id"] is NSNull)
    }
}

@Suite("rule index")
struct RuleIndexTests {
    @Test("rules indexed by extension or number and scanned rules still fire in file order")
    func order() throws {
        var h = try Harness(
            """
            [settings]
            country_code = "49"
            [[rule]]
            name = "scan-1"
            on = ["incoming"]
            [[rule]]
            name = "ext-100"
            on = ["incoming"]
            when = { extension = ["100", "101"] }
            [[rule]]
            name = "number"
            on = ["incoming"]
            when = { remote = "+49 89 1234567" }
            [[rule]]
            name = "ext-200"
            on = ["incoming"]
            when = { extension = "200" }
            [[rule]]
            name = "scan-2"
            on = ["incoming"]
            when = { extension = "1*" }
            [[rule]]
            name = "other-number"
            on = ["incoming"]
            when = { remote = "+49 89 7654321" }
            """)
        #expect(h.matched([("ring", "2026-01-01T00:00:00Z", nil)])["incoming"] == ["scan-1", "ext-100", "number", "scan-2"])
        h.engine.tracker = CallTracker()
        #expect(
            h.matched([("ring", "2026-01-01T00:00:00Z", nil)], caller: "4940", ext: "200")["incoming"] == ["scan-1", "ext-200"])
    }
}
