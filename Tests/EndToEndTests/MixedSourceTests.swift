import Foundation
import TestSupport
import Testing

/// Ingest and the NFON source feed one tracker: a call that rings on the
/// NFON stream and is answered and hung up over `POST /v1/events` is one
/// leg, not a partial one.
@Suite struct MixedSourceTests {
    @Test func aCallMayMixNFONAndIngestEvents() async throws {
        let arrivals = Arrivals()
        let sink = try await TestHTTPServer.start { r in
            arrivals.record(r)
            return .json("{}")
        }
        defer { Task { await sink.stop() } }
        var rules = ""
        for p in ["incoming", "answered", "ended", "missed"] {
            rules += """
                [[rule]]
                name = "on-\(p)"
                on = ["\(p)"]
                [[rule.webhook]]
                target = "sink"
                path = "/\(p)"
                json = { call = "{{call.id}}", partial = "{{call.partial}}", cause = "{{call.cause}}" }

                """
        }
        let setup = try DaemonSetup(rules: "[target.sink]\nurl = \"\(sink.base)\"\n\n" + rules)
        // No `updated`: every event is stamped on arrival, whichever way it came.
        func now(_ line: String) -> String {
            line.replacingOccurrences(of: #","updated":"[^"]*""#, with: "", options: .regularExpression)
        }
        let call = Script.uuid(71)
        let server = "\n[server]\ningest_token = \"\(IngestSetup.ingestToken)\"\n"
        let (sim, daemon, port) = try await setup.startAgainstSimulator([now(Script.call(call, "ring", at: 0))], nfon: server)
        defer { withExtendedLifetime((sim, daemon)) {} }
        try await eventually("the NFON ring fires incoming") { arrivals.on("/incoming").count == 1 }
        let rest = [now(Script.call(call, "answer", at: 300)), now(Script.call(call, "hangup", at: 600))]
        #expect(try await ingest(port, rest.joined(separator: "\n"), contentType: "application/x-ndjson").status == 202)
        try await eventually("answered and ended from ingest") {
            arrivals.on("/answered").count == 1 && arrivals.on("/ended").count == 1
        }
        let ended = try #require(
            try JSONSerialization.jsonObject(with: Data(arrivals.on("/ended")[0].body.utf8)) as? [String: Any])
        #expect(ended["call"] as? String == call)
        #expect(ended["partial"] as? Bool == false)
        #expect(ended["cause"] as? String == "answered")
        #expect(arrivals.on("/missed").isEmpty)
    }
}
