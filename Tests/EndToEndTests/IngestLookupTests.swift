import Foundation
import TestSupport
import Testing

/// An ingest batch whose call waits behind a caller lookup is acknowledged
/// only after that call's requests are committed (runtime.md, "Delivery":
/// 202 only after the queue write).
@Suite struct IngestLookupTests {
    @Test func aBatchParkedBehindALookupIsAcknowledgedAfterItsRequestsAreQueued() async throws {
        let arrivals = Arrivals()
        let sink = try await TestHTTPServer.start(threads: 2) { r in
            arrivals.record(r)
            if r.uri.hasPrefix("/lookup") {
                return .json(#"[{"Name":"Anna Slow","Company":"Late GmbH"}]"#, afterMilliseconds: 800)
            }
            return .json("{}")
        }
        defer { Task { await sink.stop() } }
        let rules =
            """
            [lookup]
            url = "\(sink.base)/lookup"
            timeout = "3s"

            """ + IngestSetup.rules(sink: sink.base, phases: ["incoming"])
        let setup = try DaemonSetup(rules: rules, config: IngestSetup.config())
        let (daemon, port) = try await setup.startDaemon(["--source", "none"])
        defer { daemon.signal(SIGKILL) }

        let started = ContinuousClock.now
        let r = try await ingest(port, Script.call(Script.uuid(1), "ring", caller: "4989501", at: 0))
        let took = ContinuousClock.now - started
        #expect(r.status == 202)
        // The lookup answered after 800 ms; the 202 came after it, with the
        // pop-up's request already in the queue.
        #expect(took >= .milliseconds(700), "202 after \(took), before the lookup answered")
        let stats = try await setup.queue(["stats"]).stdout
        #expect(!stats.contains("pending   0") || !stats.contains("delivered 0"), "nothing queued at the 202:\n\(stats)")
        try await eventually("the pop-up") { arrivals.all.contains { !$0.path.hasPrefix("/lookup") } }
    }
}
