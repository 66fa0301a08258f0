import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// An acknowledged ingest event is never lost: 202 comes after the commit.
@Suite struct IngestCrashTests {
    @Test func everyAcknowledgedEventIsDeliveredAfterSIGKILL() async throws {
        let calls = Mutex<Set<String>>([])
        let sink = try await TestHTTPServer.start { r in
            let call = callField(r.text)
            calls.withLock { _ = $0.insert(call) }
            return .json("{}")
        }
        defer { Task { await sink.stop() } }
        let setup = try DaemonSetup(
            rules: IngestSetup.rules(sink: sink.base, phases: ["incoming"]), config: IngestSetup.config())
        let (daemon, port) = try await setup.startDaemon()
        defer { withExtendedLifetime((setup, daemon)) {} }
        var acknowledged: Set<String> = []
        for batch in 0..<50 {
            let ids = (0..<100).map { Script.uuid(batch * 100 + $0 + 1) }
            let body = ids.map { Script.call($0, "ring", at: 0) }.joined(separator: "\n")
            let r = try await ingest(port, body, contentType: "application/x-ndjson")
            #expect(r.status == 202)
            if r.status == 202 { acknowledged.formUnion(ids) }
        }
        daemon.signal(SIGKILL)
        #expect(await daemon.waitForExit() != nil)
        #expect(acknowledged.count == 5000)

        let (restarted, _) = try await setup.startDaemon()
        defer { withExtendedLifetime(restarted) {} }
        let expected = acknowledged
        try await eventually(timeout: .seconds(240), "every acknowledged event's request arrives") {
            calls.withLock { expected.isSubset(of: $0) }
        }
    }
}
