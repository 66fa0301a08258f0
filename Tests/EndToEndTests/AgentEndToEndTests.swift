import Agents
import Calls
import Curl
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The agent endpoints of the real `callhook run`: tokens, scope, the page,
/// metrics, and `callhook agent` / `callhook agent-token` as processes.
@Suite("agents end to end", .serialized)
struct AgentEndToEndTests {
    /// Call 1 rings 100 (VIP, named), call 2 rings 101 at once; both are
    /// answered `answerAt` ms later, so the agents connect while they ring.
    static func script(answerAt: Int = 10_000) -> [String] {
        let one = Script.uuid(1)
        let two = Script.uuid(2)
        return [
            AgentFixture.call(one, "ring", at: 0), AgentFixture.call(two, "ring", ext: "101", at: 10),
            AgentFixture.call(one, "answer", at: answerAt), AgentFixture.call(two, "answer", ext: "101", at: answerAt),
            AgentFixture.call(one, "hangup", at: answerAt + 300),
            AgentFixture.call(two, "hangup", ext: "101", at: answerAt + 300),
        ]
    }

    func start(_ setup: DaemonSetup, _ script: [String]) async throws -> (
        sim: CallhookProcess, daemon: CallhookProcess, port: Int
    ) {
        let path = try setup.write(script.joined(separator: "\n"), to: "calls.jsonl")
        let (sim, base) = try await startScriptedSimulator(script: path)
        try (nfonConfig(base: base) + AgentFixture.serverSection).write(toFile: setup.config, atomically: true, encoding: .utf8)
        let (daemon, port) = try await setup.startDaemon()
        return (sim, daemon, port)
    }

    @Test func tokensAreCheckedAndScopesKeptApart() async throws {
        let setup = try DaemonSetup(rules: AgentFixture.rules)
        let (sim, daemon, port) = try await start(setup, Self.script())
        defer {
            sim.signal(SIGKILL)
            daemon.signal(SIGKILL)
        }
        let good = try AgentFixture.token(["100"])
        // Refused: none, malformed, forged, expired.
        let refused: [String?] = [
            nil, "cha1.not-a-token", try AgentFixture.token(["100"], secret: "some-other-secret"),
            try AgentFixture.token(["100"], expires: .seconds(-5)),
        ]
        for token in refused {
            let reader = try await AgentStreamReader(port: port, token: token)
            #expect(reader.status == 401)
            reader.close()
        }
        let mine = try await AgentStreamReader(port: port, token: good, query: true)
        let other = try await AgentStreamReader(port: port, token: try AgentFixture.token(["100"], customer: "K9999"))
        let neighbour = try await AgentStreamReader(port: port, token: try AgentFixture.token(["101"]))
        defer {
            mine.close()
            other.close()
            neighbour.close()
        }
        #expect(mine.status == 200 && other.status == 200 && neighbour.status == 200)
        try await eventually("100 hears its call end") { mine.received.contains("event: ended") }
        try await eventually("101 hears its call end") { neighbour.received.contains("event: ended") }
        let text = mine.received
        #expect(text.contains("event: ring"))
        #expect(text.contains(#""ringtone":"vip""#))
        #expect(text.contains(#""class":"vip""#))
        #expect(text.contains(#""name":"Anna Alt""#))
        #expect(text.contains(#""e164":"+49891234567""#))
        #expect(text.contains(#""alert_info":"<urn:alert:service:vip>""#))
        #expect(text.contains("event: answered"))
        #expect(text.contains(#""cause":"answered""#))
        #expect(!text.contains(Script.uuid(2)))
        #expect(!neighbour.received.contains(Script.uuid(1)))
        #expect(!other.received.contains("event:"))
        // The query token never reaches the log.
        #expect(!daemon.stderr.contains(good))
        let metrics = try await httpGet(port, "/metrics").text
        #expect(metrics.contains("callhook_agents_connected 3"))
        #expect(metrics.contains(#"callhook_agent_events_total{event="ring"} 2"#))
        #expect(metrics.contains(#"callhook_agent_disconnects_total"#))
        let page = try await httpGet(port, "/agent")
        #expect(page.status == 200)
        #expect(page.header("Content-Security-Policy")?.contains("default-src 'none'") == true)
    }

    @Test func withoutASecretTheAgentEndpointsAre404() async throws {
        let setup = try DaemonSetup(rules: AgentFixture.rules, config: "rules = \"rules\"\ndata = \"data\"\n")
        let (daemon, port) = try await setup.startDaemon()
        defer { daemon.signal(SIGKILL) }
        #expect(try await httpGet(port, "/agent").status == 404)
        #expect(try await httpGet(port, "/v1/agents/events?access_token=\(try AgentFixture.token(["100"]))").status == 404)
    }

    @Test func agentTokenSignsWithTheConfiguredSecret() async throws {
        let setup = try DaemonSetup(rules: AgentFixture.rules, config: "[server]\nagent_secret = \"{{env.E2E_AGENT_SECRET}}\"\n")
        let issued = try await CallhookProcess.run(
            [
                "agent-token", "--extension", "100", "--extension", "101", "--customer", "K1234", "--ttl", "1h", "--config",
                setup.config,
            ],
            environment: ["E2E_AGENT_SECRET": AgentFixture.secret])
        #expect(issued.status == 0, "\(issued.stderr)")
        let token = issued.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let verified = try AgentToken.verify(token, secret: AgentFixture.secret, now: WallClock.now())
        #expect(verified.extensions == ["100", "101"])
        #expect(verified.customer == "K1234")
        #expect(!issued.stdout.contains(AgentFixture.secret))
        let none = try DaemonSetup(rules: AgentFixture.rules, config: "")
        let refused = try await CallhookProcess.run(["agent-token", "--extension", "100", "--config", none.config])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("server.agent_secret is not set"))
    }

    @Test func theNativeAgentRunsItsCommandOnRingAndEndsItOnAnswer() async throws {
        let setup = try DaemonSetup(rules: AgentFixture.rules)
        let (sim, daemon, port) = try await start(setup, Self.script())
        defer {
            sim.signal(SIGKILL)
            daemon.signal(SIGKILL)
        }
        let dir = setup.dir.path
        let command = "env > \(dir)/ring.env; sleep 30 & echo $! > \(dir)/sleep.pid; wait"
        let agent = try CallhookProcess([
            "agent", "--url", "http://127.0.0.1:\(port)", "--token", try AgentFixture.token(["100"]), "--exec", command,
        ])
        defer { agent.signal(SIGKILL) }
        try await eventually("the command ran") { FileManager.default.fileExists(atPath: "\(dir)/sleep.pid") }
        try await eventually("the environment was written") {
            ((try? String(contentsOfFile: "\(dir)/ring.env", encoding: .utf8)) ?? "").contains("CALLHOOK_RINGTONE=")
        }
        let env = try String(contentsOfFile: "\(dir)/ring.env", encoding: .utf8)
        for expected in [
            "CALLHOOK_RINGTONE=vip", "CALLHOOK_CLASS=vip", "CALLHOOK_NAME=Anna Alt", "CALLHOOK_EXTENSION=100",
            "CALLHOOK_CALL=\(Script.uuid(1))", "CALLHOOK_REMOTE=+49891234567", "CALLHOOK_EVENT=ring",
        ] {
            #expect(env.contains(expected + "\n"), "\(expected)")
        }
        try await eventually("the sleep's pid was written") {
            ((try? String(contentsOfFile: "\(dir)/sleep.pid", encoding: .utf8)) ?? "").hasSuffix("\n")
        }
        let pidText = try String(contentsOfFile: "\(dir)/sleep.pid", encoding: .utf8)
        let sleepPID = try #require(Int32(pidText.trimmingCharacters(in: .whitespacesAndNewlines)))
        try await eventually("the agent printed the answer") { agent.stdout.contains("answered 100") }
        try await eventually("the command was ended on answer") { !Self.isRunning(sleepPID) }
        #expect(agent.stdout.contains("ring 100 +49891234567 \"Anna Alt\" class=vip ringtone=vip"))
        agent.signal(SIGTERM)
        #expect(await agent.waitForExit() == 0)
    }

    @Test func theNativeAgentStopsOnARejectedToken() async throws {
        let setup = try DaemonSetup(rules: AgentFixture.rules)
        let (sim, daemon, port) = try await start(setup, Self.script())
        defer {
            sim.signal(SIGKILL)
            daemon.signal(SIGKILL)
        }
        let forged = try AgentFixture.token(["100"], secret: "not-the-servers-secret")
        let result = try await CallhookProcess.run(["agent", "--url", "http://127.0.0.1:\(port)", "--token", forged])
        #expect(result.status == 1)
        #expect(result.stderr.contains("rejected the agent token"))
    }

    /// Whether a process exists and is not a zombie.
    static func isRunning(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        guard let close = stat.lastIndex(of: ")") else { return false }
        return !stat[close...].hasPrefix(") Z")
    }
}
