import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `PhoneNumber=` of a lookup request.
func lookupNumber(_ uri: String) -> String {
    guard let r = uri.range(of: "PhoneNumber=") else { return "" }
    return String(uri[r.upperBound...].prefix { $0 != "&" })
}

/// A JSON value as text: "" for null or absent, numbers in their JSON form.
func text(_ v: Any?) -> String {
    switch v {
    case let s as String: s
    case let n as NSNumber: n.stringValue
    default: ""
    }
}

/// A JSON body as a dictionary (empty when it is not one).
func jsonObject(_ body: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:]
}

/// An inbound call from an extension of the tenant (not looked up).
func internalCall(_ uuid: String, at ms: Int) -> String {
    let stamp = String(format: "2026-11-17T09:00:%02d.%03dZ", ms / 1000, ms % 1000)
    return
        #"{"uuid":"\#(uuid)","state":"ring","caller":"200","caller_context":"K1234","callee":"100","callee_context":"K1234","direction":"inbound","extension":"100","customer":"K1234","updated":"\#(stamp)"}"#
}

@Suite struct LookupEndToEndTests {
    static func rules(_ base: String, timeout: String) -> String {
        """
        [lookup]
        url = "\(base)/lookup"
        timeout = "\(timeout)"

        [[class]]
        name = "gold-customer"
        when = { match = { "remote.custom.Tier" = "Gold" } }
        ringtone = "gold"

        [target.hook]
        url = "\(base)/hook"

        [[rule]]
        name = "popup"
        on = ["incoming"]
        [[rule.webhook]]
        target = "hook"
        json = { call = "{{call.id}}", number = "{{remote.e164}}", name = "{{remote.display}}", company = "{{remote.company}}", crm = "{{remote.crm_id}}", tier = "{{remote.custom.Tier}}", class = "{{class}}", ringtone = "{{ringtone}}", contacts = "{{remote.contacts}}" }
        """
    }

    /// PascalCase and camelCase answers fill the variables, `[]` is not
    /// found, a Gold contact makes the class; one request per number
    /// (coalesced and cached), none for an internal call.
    @Test func lookupsFillTheVariables() async throws {
        let arrivals = Arrivals()
        let server = try await TestHTTPServer.start(threads: 2) { r in
            arrivals.record(r)
            guard r.uri.hasPrefix("/lookup") else { return .json("{}") }
            switch lookupNumber(r.uri) {
            case "4989111":
                return .json(
                    #"[{"Name":"Alexa Holiday","Company":"White Cross Co","Id":"C-17","CustomData":{"Tier":"Gold"}},{"Name":"Other"}]"#
                )
            case "4989222": return .json(#"[{"name":"Bob Camel","company":"Camel AG","id":"C-22"}]"#)
            case "4989444": return .json(#"[{"Name":"Many Calls"}]"#, afterMilliseconds: 500)
            default: return .json("[]")
            }
        }
        defer { Task { await server.stop() } }
        var lines = [
            Script.call(Script.uuid(1), "ring", caller: "4989111", at: 10),
            Script.call(Script.uuid(2), "ring", caller: "4989222", at: 20),
            Script.call(Script.uuid(3), "ring", caller: "4989333", at: 30),
            internalCall(Script.uuid(4), at: 40),
            Script.call(Script.uuid(5), "ring", caller: "4989111", at: 2000),
        ]
        for c in 6...15 { lines.append(Script.call(Script.uuid(c), "ring", caller: "4989444", at: 100)) }
        let setup = try DaemonSetup(rules: Self.rules(server.base, timeout: "2s"))
        let (sim, daemon, port) = try await setup.startAgainstSimulator(lines)
        defer {
            sim.signal(SIGKILL)
            daemon.signal(SIGKILL)
        }
        try await eventually("15 pop-ups") { arrivals.on("/hook").count >= 15 }
        let popups = Dictionary(
            arrivals.on("/hook").map { (callField($0.body), jsonObject($0.body)) }, uniquingKeysWith: { a, _ in a })
        let gold = try #require(popups[Script.uuid(1)])
        #expect(text(gold["name"]) == "Alexa Holiday")
        #expect(text(gold["company"]) == "White Cross Co")
        #expect(text(gold["crm"]) == "C-17")
        #expect(text(gold["tier"]) == "Gold")
        #expect(text(gold["class"]) == "gold-customer")
        #expect(text(gold["ringtone"]) == "gold")
        #expect(text(gold["contacts"]) == "2")
        let camel = try #require(popups[Script.uuid(2)])
        #expect(text(camel["name"]) == "Bob Camel")
        #expect(text(camel["company"]) == "Camel AG")
        #expect(text(camel["crm"]) == "C-22")
        #expect(text(camel["class"]) == "external")
        let unknown = try #require(popups[Script.uuid(3)])
        #expect(text(unknown["name"]) == "+4989333")
        #expect(text(unknown["company"]) == "")
        #expect(text(popups[Script.uuid(4)]?["class"]) == "internal")
        #expect(text(popups[Script.uuid(5)]?["name"]) == "Alexa Holiday")
        for c in 6...15 { #expect(text(popups[Script.uuid(c)]?["name"]) == "Many Calls") }

        let lookups = arrivals.on("/lookup").map { lookupNumber($0.path) }
        #expect(lookups.sorted() == ["4989111", "4989222", "4989333", "4989444"])
        let metrics = try await httpGet(port, "/metrics").text
        #expect(metrics.contains(#"callhook_lookup_total{result="miss"} 3"#))
        #expect(metrics.contains(#"callhook_lookup_total{result="not_found"} 1"#))
        #expect(metrics.contains(#"callhook_lookup_total{result="hit"} 10"#))
    }

    /// 404, 500, garbage and a 3 s answer with `timeout = "300ms"`: the
    /// pop-up leaves with the number only, quickly, and `/metrics` says why.
    @Test func anUnavailableLookupDoesNotHoldThePopup() async throws {
        let arrivals = Arrivals()
        let server = try await TestHTTPServer.start(threads: 2) { r in
            arrivals.record(r)
            guard r.uri.hasPrefix("/lookup") else { return .json("{}") }
            switch lookupNumber(r.uri) {
            case "4989501": return .json("[]", status: 404)
            case "4989502": return .json("[]", status: 500)
            case "4989503": return .text("<html>nope</html>")
            default: return .json(#"[{"Name":"Too Late"}]"#, afterMilliseconds: 3000)
            }
        }
        defer { Task { await server.stop() } }
        let lines = (1...4).map { Script.call(Script.uuid($0), "ring", caller: "498950\($0)", at: $0 * 10) }
        let setup = try DaemonSetup(rules: Self.rules(server.base, timeout: "300ms"))
        let (sim, daemon, port) = try await setup.startAgainstSimulator(lines)
        defer {
            sim.signal(SIGKILL)
            daemon.signal(SIGKILL)
        }
        try await eventually("4 pop-ups") { arrivals.on("/hook").count >= 4 }
        for e in arrivals.on("/hook") {
            let o = jsonObject(e.body)
            #expect(text(o["name"]) == text(o["number"]))
            #expect(text(o["company"]) == "")
        }
        let asked = try #require(arrivals.on("/lookup").first { lookupNumber($0.path) == "4989504" })
        let popup = try #require(arrivals.on("/hook").first { callField($0.body) == Script.uuid(4) })
        let waited = popup.at - asked.at
        print("pop-up after a lookup that timed out (timeout 300ms): \(waited) after the lookup request arrived")
        #expect(waited < .seconds(2))
        try await eventually("the metrics") {
            let m = try await httpGet(port, "/metrics").text
            return m.contains(#"callhook_lookup_total{result="error"} 3"#)
                && m.contains(#"callhook_lookup_total{result="timeout"} 1"#)
        }
    }
}

@Suite struct LookupLatencyFigures {
    /// Prints how long after its lookup request (answered in 50 ms) each
    /// call's pop-up reaches the receiver, p50 and p99 over 40 calls: the
    /// lookup's share of the first callback's latency. A figure, not a bound.
    @Test func fiftyMillisecondLookupToFirstCallback() async throws {
        let arrivals = Arrivals()
        let server = try await TestHTTPServer.start(threads: 2) { r in
            arrivals.record(r)
            return r.uri.hasPrefix("/lookup") ? .json(#"[{"Name":"N"}]"#, afterMilliseconds: 50) : .json("{}")
        }
        defer { Task { await server.stop() } }
        let lines = (1...40).map { Script.call(Script.uuid($0), "ring", caller: "49890\($0 + 1000)", at: $0 * 100) }
        let setup = try DaemonSetup(rules: LookupEndToEndTests.rules(server.base, timeout: "2s"))
        let (sim, daemon, _) = try await setup.startAgainstSimulator(lines)
        defer {
            sim.signal(SIGKILL)
            daemon.signal(SIGKILL)
        }
        try await eventually("40 pop-ups") { arrivals.on("/hook").count >= 40 }
        let asked = Dictionary(
            arrivals.on("/lookup").map { (lookupNumber($0.path), $0.at) }, uniquingKeysWith: { a, _ in a })
        var waits: [Duration] = []
        for e in arrivals.on("/hook") {
            let number = String(text(jsonObject(e.body)["number"]).dropFirst())
            if let at = asked[number] { waits.append(e.at - at) }
        }
        waits.sort()
        #expect(waits.count == 40)
        let p50 = waits[waits.count / 2]
        let p99 = waits[min(waits.count - 1, waits.count * 99 / 100)]
        print("lookup answered in 50 ms → first callback after the lookup request: p50 \(p50), p99 \(p99) (\(waits.count) calls)")
        #expect(p50 >= .milliseconds(50))
    }
}
