import Foundation
import TestSupport
import Testing

/// The HTTP ingest walk-through of docs/operations.md, run as written: its
/// rule file, its `curl` body, and the callback it shows, with its
/// `Idempotency-Key`.
@Suite struct DocumentedIngestExampleTests {
    /// The text between `start` and the next `end` in `text`.
    func between(_ text: String, _ start: String, _ end: String) throws -> String {
        let s = try #require(text.range(of: start), "docs/operations.md no longer has \(start)")
        let e = try #require(text.range(of: end, range: s.upperBound..<text.endIndex))
        return String(text[s.upperBound..<e.lowerBound])
    }

    @Test func theDocumentedCurlTriggersTheDocumentedCallback() async throws {
        let doc = try String(
            contentsOf: repositoryRoot.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        let rules = try between(doc, "cat > rules/ring.toml <<'TOML'\n", "\nTOML")
        let payload = try between(doc, "-H 'Content-Type: application/json' \\\n  -d '", "'")
        let documentedKey = try between(doc, "Idempotency-Key: ", "\n")
        let callback = try between(doc, "Idempotency-Key: \(documentedKey)\n", "\n")

        let arrivals = Arrivals()
        let sink = try await TestHTTPServer.start { r in
            arrivals.record(r)
            return .json("{}")
        }
        defer { Task { await sink.stop() } }
        let setup = try DaemonSetup(
            rules: rules.replacingOccurrences(of: "http://127.0.0.1:9000", with: sink.base), config: IngestSetup.config())
        let (daemon, port) = try await setup.startDaemon(["--source", "none"])
        defer { withExtendedLifetime((setup, daemon)) {} }
        let r = try await ingest(port, payload)
        #expect(r.status == 202)
        #expect(r.text == #"{"accepted":1}"#)
        try await eventually("the callback") { arrivals.on("/ring").count == 1 }
        let got = try JSONSerialization.jsonObject(with: Data(arrivals.on("/ring")[0].body.utf8)) as? NSDictionary
        let shown = try JSONSerialization.jsonObject(with: Data(callback.utf8)) as? NSDictionary
        #expect(got == shown)
        // The id is derived from the request: the same on every run.
        #expect(arrivals.on("/ring")[0].key == documentedKey)
    }
}
