import Foundation
import Synchronization
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The caller lookup across a rule reload and a shutdown (HTTP ingest as
/// the source): a reload that changes `[lookup]` clears the cache, one that
/// does not keeps it; events parked behind a lookup at SIGTERM are still
/// handled and their requests queued before the process exits.
@Suite struct LookupLifecycleTests {
    static func rules(_ base: String, timeout: String, extraRule: Bool = false) -> String {
        var text = """
            [lookup]
            url = "\(base)/lookup"
            timeout = "\(timeout)"
            cache = "10m"

            [target.sink]
            url = "\(base)"

            [[rule]]
            name = "popup"
            on = ["incoming"]
            [[rule.webhook]]
            target = "sink"
            path = "/popup"
            json = { call = "{{call.id}}", name = "{{remote.display}}" }

            """
        if extraRule {
            text += """

                [[rule]]
                name = "missed"
                on = ["missed"]
                [[rule.webhook]]
                target = "sink"
                path = "/missed"

                """
        }
        return text
    }

    /// Rewrites the rules, sends SIGHUP and waits for the `n`th reload it caused.
    static func reload(_ setup: DaemonSetup, _ daemon: CallhookProcess, _ text: String, count n: Int) async throws {
        try text.write(toFile: setup.rules + "/rules.toml", atomically: true, encoding: .utf8)
        daemon.signal(SIGHUP)
        try await daemon.waitForOutput { _, err in
            err.split(separator: "\n").filter { $0.contains("rules reloaded") && $0.contains("trigger=signal") }.count >= n
        }
    }

    @Test("a reload that changes [lookup] clears the lookup cache; one that does not keeps it")
    func reloadClearsTheCacheOnlyWhenLookupChanges() async throws {
        let arrivals = Arrivals()
        let server = try await TestHTTPServer.start(threads: 2) { r in
            arrivals.record(r)
            return r.uri.hasPrefix("/lookup") ? .json(#"[{"Name":"Anna Cached"}]"#) : .json("{}")
        }
        defer { Task { await server.stop() } }
        let setup = try DaemonSetup(rules: Self.rules(server.base, timeout: "2s"), config: IngestSetup.config())
        let (daemon, port) = try await setup.startDaemon(["--source", "none"])
        defer { daemon.signal(SIGKILL) }
        func call(_ n: Int) async throws {
            let r = try await ingest(port, Script.call(Script.uuid(n), "ring", caller: "4989501", at: n * 1000))
            #expect(r.status == 202)
            try await eventually("pop-up \(n)") { arrivals.on("/popup").count >= n }
        }

        try await call(1)
        try await call(2)
        #expect(arrivals.on("/lookup").count == 1, "the second call was not answered from the cache")

        // A reload that changes a rule but not [lookup]: still cached.
        try await Self.reload(setup, daemon, Self.rules(server.base, timeout: "2s", extraRule: true), count: 1)
        try await call(3)
        #expect(arrivals.on("/lookup").count == 1, "a reload without a [lookup] change cleared the cache")

        // A reload that changes [lookup] (its timeout): the cache is cleared.
        try await Self.reload(setup, daemon, Self.rules(server.base, timeout: "3s", extraRule: true), count: 2)
        try await call(4)
        #expect(arrivals.on("/lookup").count == 2, "a [lookup] change kept the cache")
        let names = Set(arrivals.on("/popup").map { text(jsonObject($0.body)["name"]) })
        #expect(names == ["Anna Cached"])
    }

    @Test("SIGTERM while a call waits behind its lookup: the event is handled with the number only and its request queued")
    func parkedEventsAreQueuedAtShutdown() async throws {
        let arrivals = Arrivals()
        let slow = Atomic<Bool>(true)
        let server = try await TestHTTPServer.start(threads: 2) { r in
            arrivals.record(r)
            guard r.uri.hasPrefix("/lookup") else { return .json("{}") }
            // Far longer than the lookup's timeout while `slow`.
            return .json(#"[{"Name":"Anna Late"}]"#, afterMilliseconds: slow.load(ordering: .relaxed) ? 6000 : 0)
        }
        defer { Task { await server.stop() } }
        let setup = try DaemonSetup(rules: Self.rules(server.base, timeout: "1500ms"), config: IngestSetup.config())
        let (daemon, port) = try await setup.startDaemon(["--source", "none"])
        defer { daemon.signal(SIGKILL) }

        // The batch is acknowledged only once the call's requests are
        // queued, so it waits behind the lookup.
        let batch = Task { try await ingest(port, Script.call(Script.uuid(1), "ring", caller: "4989501", at: 0)) }
        try await eventually("the lookup request") { arrivals.on("/lookup").count == 1 }
        let stopped = ContinuousClock.now
        daemon.signal(SIGTERM)
        let status = await daemon.waitForExit(timeout: .seconds(20))
        let took = ContinuousClock.now - stopped
        #expect(status == 0, "\(daemon.stderr)")
        #expect(took < .seconds(10), "shutdown took \(took)")
        #expect(try await batch.value.status == 202, "the parked batch was not acknowledged")
        #expect(!daemon.stderr.contains("requests not queued"), "\(daemon.stderr)")
        // The lookup request itself (answered only after 6 s) was cancelled
        // and waited for, not left behind.
        #expect(daemon.stderr.contains("caller lookups still running cancelled at shutdown"), "\(daemon.stderr)")

        // Queued before the exit: pending (or already delivered by the
        // dispatcher's last round).
        let list = try await setup.queue(["list"])
        #expect(list.stdout.contains("rule=popup"), "the parked call's request is not in the queue:\n\(list.stdout)")
        if arrivals.on("/popup").isEmpty {
            slow.store(false, ordering: .relaxed)
            let (again, _) = try await setup.startDaemon(["--source", "none"])
            defer { again.signal(SIGKILL) }
            try await eventually("the queued pop-up after a restart") { !arrivals.on("/popup").isEmpty }
        }
        let popup = try #require(arrivals.on("/popup").first)
        #expect(callField(popup.body) == Script.uuid(1))
        #expect(text(jsonObject(popup.body)["name"]) == "+4989501", "not the number only: \(popup.body)")
    }

    @Test("a lookup request a reload left behind (no [lookup] any more) is still cancelled at shutdown")
    func requestsOfARemovedLookupAreCancelledAtShutdown() async throws {
        let arrivals = Arrivals()
        let server = try await TestHTTPServer.start(threads: 2) { r in
            arrivals.record(r)
            guard r.uri.hasPrefix("/lookup") else { return .json("{}") }
            return .json(#"[{"Name":"Anna Late"}]"#, afterMilliseconds: 8000)
        }
        defer { Task { await server.stop() } }
        let setup = try DaemonSetup(rules: Self.rules(server.base, timeout: "300ms"), config: IngestSetup.config())
        let (daemon, port) = try await setup.startDaemon(["--source", "none"])
        defer { daemon.signal(SIGKILL) }
        // The caller gives up after 300 ms (pop-up with the number only);
        // the request runs on to fill the cache.
        let r = try await ingest(port, Script.call(Script.uuid(1), "ring", caller: "4989501", at: 0))
        #expect(r.status == 202)
        try await eventually("the pop-up") { !arrivals.on("/popup").isEmpty }
        #expect(arrivals.on("/lookup").count == 1)
        // A reload without [lookup] drops the service; its request is still running.
        let withoutLookup = Self.rules(server.base, timeout: "300ms").replacingOccurrences(
            of: "[lookup]\nurl = \"\(server.base)/lookup\"\ntimeout = \"300ms\"\ncache = \"10m\"\n", with: "")
        #expect(!withoutLookup.contains("[lookup]"))
        try await Self.reload(setup, daemon, withoutLookup, count: 1)
        daemon.signal(SIGTERM)
        #expect(await daemon.waitForExit(timeout: .seconds(20)) == 0, "\(daemon.stderr)")
        #expect(daemon.stderr.contains("caller lookups still running cancelled at shutdown"), "\(daemon.stderr)")
    }
}
