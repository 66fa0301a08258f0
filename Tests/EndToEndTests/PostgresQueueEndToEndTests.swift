import Foundation
import Synchronization
import TestSupport
import Testing

/// `callhook queue …` and the admin API on a PostgreSQL queue, and the
/// request identity seen from outside: a replayed event queues nothing new.
@Suite struct PostgresQueueEndToEndTests {
    @Test func queueCommandsAndAdminAPIWorkOnPostgreSQL() async throws {
        let fail = Atomic<Bool>(true)
        let arrivals = Arrivals()
        let sink = try await TestHTTPServer.start { r in
            arrivals.record(r)
            return fail.load(ordering: .relaxed) ? .text("gone for now", status: 410) : .json("{}")
        }
        defer { Task { await sink.stop() } }
        let url = try await PostgresCluster.shared().createDatabase()
        let setup = try DaemonSetup(
            rules: IngestSetup.rules(sink: sink.base, phases: ["incoming"]),
            config: IngestSetup.config() + "\n[queue]\nurl = \"\(url)\"\nlease = \"2s\"\n")
        let (daemon, port) = try await setup.startDaemon()
        defer { withExtendedLifetime((setup, daemon)) {} }
        #expect(daemon.stderr.contains("queue=postgres://callhook@127.0.0.1"))
        #expect(try await httpGet(port, "/readyz").status == 200)

        let ring = Script.call(Script.uuid(61), "ring", at: 0)
        #expect(try await ingest(port, ring).status == 202)
        let admin = IngestSetup.adminToken
        try await eventually("a dead delivery") {
            let r = try await httpCall(port, "GET", "/v1/deliveries?status=dead&limit=10", token: admin)
            return (jsonObject(r)["deliveries"] as? [Any])?.count == 1
        }
        // The same event again: the same request, already queued.
        #expect(try await ingest(port, ring).status == 202)
        let stats = try await setup.queue(["stats"])
        #expect(stats.status == 0)
        #expect(stats.stdout.contains("dead      1") && stats.stdout.contains("pending   0"))
        let listed = try await setup.queue(["list", "--status", "dead"])
        let id = try #require(listed.stdout.split(separator: " ").first.map(String.init))
        #expect(arrivals.all.map(\.key) == [id])
        let shown = try await setup.queue(["show", id])
        #expect(shown.stdout.contains("410") && shown.stdout.contains("gone for now"))
        #expect(!shown.stdout.contains("sink-secret-value"))
        let detail = jsonObject(try await httpCall(port, "GET", "/v1/deliveries/\(id)", token: admin))
        #expect((detail["attempt_history"] as? [[String: Any]])?.first?["status"] as? Int == 410)

        fail.store(false, ordering: .relaxed)
        let retried = try await setup.queue(["retry", "--dead"])
        #expect(retried.status == 0)
        try await eventually("delivered after the retry") {
            try await setup.queue(["stats"]).stdout.contains("delivered 1")
        }
        #expect(arrivals.all.map(\.key) == [id, id])
        #expect(try await setup.queue(["purge", "--dead"]).status == 0)
    }
}
