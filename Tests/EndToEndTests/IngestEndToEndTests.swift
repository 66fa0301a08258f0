import Curl
import Foundation
import TestSupport
import Testing

/// `POST /v1/events` and `POST /v1/ingest/sipgate` against the real binary
/// (runtime.md, "Server", "Other PBXs: HTTP ingest adapters").
@Suite struct IngestEndToEndTests {
    /// A daemon with both tokens and a sink receiving every phase.
    func start(rules: ((String) -> String)? = nil) async throws -> (DaemonSetup, CallhookProcess, Int, TestHTTPServer, Arrivals) {
        let arrivals = Arrivals()
        let sink = try await TestHTTPServer.start { r in
            arrivals.record(r)
            return .json("{}")
        }
        let setup = try DaemonSetup(
            rules: rules?(sink.base) ?? IngestSetup.rules(sink: sink.base), config: IngestSetup.config())
        let (daemon, port) = try await setup.startDaemon(["--source", "none"])
        defer { withExtendedLifetime((setup, daemon)) {} }
        return (setup, daemon, port, sink, arrivals)
    }

    @Test func objectArrayAndNDJSONAreCountedAndDelivered() async throws {
        let (setup, daemon, port, sink, arrivals) = try await start()
        defer { withExtendedLifetime((setup, daemon)) {} }
        defer { Task { await sink.stop() } }
        let one = try await ingest(port, Script.call(Script.uuid(1), "ring", at: 0))
        #expect(one.status == 202)
        #expect(jsonObject(one)["accepted"] as? Int == 1)
        let array = "[" + (2...4).map { Script.call(Script.uuid($0), "ring", at: 0) }.joined(separator: ",") + "]"
        let many = try await ingest(port, array)
        #expect(many.status == 202)
        #expect(jsonObject(many)["accepted"] as? Int == 3)
        let lines = (5...7).map { Script.call(Script.uuid($0), "ring", at: 0) }.joined(separator: "\n") + "\n"
        let nd = try await ingest(port, lines, contentType: "application/x-ndjson")
        #expect(nd.status == 202)
        #expect(jsonObject(nd)["accepted"] as? Int == 3)
        // Without a Content-Type the body is sniffed.
        let sniffed = try await ingest(port, Script.call(Script.uuid(8), "ring", at: 0), contentType: nil)
        #expect(sniffed.status == 202)
        try await eventually("8 incoming callbacks") { arrivals.on("/incoming").count == 8 }
        #expect(Set(arrivals.on("/incoming").map { callField($0.body) }).count == 8)
        let metrics = try await httpGet(port, "/metrics").text
        #expect(metrics.contains(#"callhook_ingest_requests_total{endpoint="events",status="202"} 4"#))
        #expect(metrics.contains(#"callhook_ingest_events_total{endpoint="events"} 8"#))
        #expect(metrics.contains(#"callhook_source_connected{source="ingest"} 1"#))
        #expect(!metrics.contains(IngestSetup.ingestToken))
        #expect(!daemon.stderr.contains(IngestSetup.ingestToken))
    }

    @Test func aBadLineIsNamedAndNothingOfTheBodyIsApplied() async throws {
        let (setup, daemon, port, sink, _) = try await start()
        defer { withExtendedLifetime((setup, daemon)) {} }
        defer { Task { await sink.stop() } }
        let good = Script.call(Script.uuid(1), "ring", at: 0)
        let bad = #"{"uuid":"x-2","state":7}"#
        let r = try await ingest(port, good + "\n" + bad + "\n", contentType: "application/x-ndjson")
        #expect(r.status == 400)
        let message = jsonObject(r)["error"] as? String ?? ""
        #expect(message.contains("line 2"))
        #expect(message.contains("state"))
        // The answer comes after any commit: the queue has nothing of the body.
        let list = try await httpCall(
            port, "GET", "/v1/deliveries?call=\(Script.uuid(1))", token: IngestSetup.adminToken)
        #expect(list.status == 200)
        #expect((jsonObject(list)["deliveries"] as? [Any])?.isEmpty == true)
        let unsupported = try await ingest(port, good, contentType: "text/csv")
        #expect(unsupported.status == 415)
    }

    @Test func aBodyOverOneMiBIs413() async throws {
        let (setup, daemon, port, sink, _) = try await start()
        defer { withExtendedLifetime((setup, daemon)) {} }
        defer { Task { await sink.stop() } }
        let body = [UInt8](repeating: UInt8(ascii: " "), count: (1 << 20) + 1)
        let r = try await httpCall(
            port, "POST", "/v1/events", token: IngestSetup.ingestToken, contentType: "application/json", body: body)
        #expect(r.status == 413)
        #expect((jsonObject(r)["error"] as? String)?.contains("1 MiB") == true)
        // Exactly 1 MiB is read (and is not JSON: 400, not 413).
        let limit = try await httpCall(
            port, "POST", "/v1/events", token: IngestSetup.ingestToken, contentType: "application/json",
            body: Array(body.dropFirst()))
        #expect(limit.status == 400)
        #expect(try await httpGet(port, "/healthz").status == 200)
    }

    @Test func sipgateNewCallAnswerHangupFiresThePhases() async throws {
        let (setup, daemon, port, sink, arrivals) = try await start()
        defer { withExtendedLifetime((setup, daemon)) {} }
        defer { Task { await sink.stop() } }
        let path = "/v1/ingest/sipgate?token=\(IngestSetup.ingestToken)"
        let form = "application/x-www-form-urlencoded"
        let newCall =
            "event=newCall&direction=in&from=492111234567&to=4921199999&callId=sg-1"
            + "&user%5B%5D=Alice+Liddell&userId%5B%5D=w0&fullUserId%5B%5D=1234567w0"
        let answered = "event=answer&direction=in&from=492111234567&to=4921199999&callId=sg-1&user=Alice+Liddell&userId=w0"
        let hangup = "event=hangup&cause=normalClearing&callId=sg-1&from=492111234567&to=4921199999&direction=in"
        let first = try await httpCall(port, "POST", path, contentType: form, body: Array(newCall.utf8))
        #expect(first.status == 200)
        #expect(first.headers.first { $0.name.lowercased() == "content-type" }?.value.hasPrefix("application/xml") == true)
        let url = "https://callhook.example.com/v1/ingest/sipgate?token=\(IngestSetup.ingestToken)"
        #expect(first.text.contains(#"onAnswer="\#(url)""#))
        #expect(first.text.contains(#"onHangup="\#(url)""#))
        #expect(try await httpCall(port, "POST", path, contentType: form, body: Array(answered.utf8)).status == 200)
        // The token as a bearer header works too; the answer then carries no token.
        let last = try await httpCall(
            port, "POST", "/v1/ingest/sipgate", token: IngestSetup.ingestToken, contentType: form, body: Array(hangup.utf8))
        #expect(last.status == 200)
        try await eventually("incoming, answered, ended") {
            ["/incoming", "/answered", "/ended"].allSatisfy { arrivals.on($0).count == 1 }
        }
        #expect(arrivals.on("/missed").isEmpty)
        #expect(arrivals.on("/ended").first.map { callField($0.body) } == "sg-1")
        let metrics = try await httpGet(port, "/metrics").text
        #expect(metrics.contains(#"callhook_ingest_requests_total{endpoint="sipgate",status="200"} 3"#))
        #expect(!metrics.contains(IngestSetup.ingestToken))
        // The token came in the query: no log line (debug level) shows it.
        #expect(!daemon.stderr.contains(IngestSetup.ingestToken))
    }
}
