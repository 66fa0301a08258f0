import Calls
import Curl
import Feeds
import Foundation
import TestSupport
import Testing

/// Runs `callhook sim` with the given flags, reads its calls and states
/// streams until every generated call has hung up, and returns the raw
/// JSON objects of each.
func recordSimulator(_ flags: [String], calls: Int) async throws -> (calls: [String], states: [String]) {
    let sim = try CallhookProcess(["sim", "--listen", "127.0.0.1:0"] + flags)
    try await sim.waitForOutput { _, err in err.contains("/v1 (") }
    let err = sim.stderr
    let start = try #require(err.range(of: "http://"))
    let base = String(err[start.lowerBound...].prefix { $0 != " " })
    let client = HTTPClient()
    defer {
        client.shutdown()
        sim.signal(SIGTERM)
    }
    let login = try await client.execute(
        HTTPRequest(
            method: "POST", url: base + "/login", headers: [("Content-Type", "application/json")],
            body: Array(#"{"username":"t","password":"t"}"#.utf8)))
    let token = try #require(try JSONSerialization.jsonObject(with: Data(login.body)) as? [String: String])["access-token"]!
    let auth = [("Authorization", "Bearer \(token)"), ("Accept", "text/event-stream")]
    // States first: the calls stream starts the simulation.
    let states = try await client.stream(
        HTTPRequest(url: base + "/extensions/phone/states", headers: auth, timeout: .seconds(120)))
    let stream = try await client.stream(
        HTTPRequest(url: base + "/extensions/phone/calls", headers: auth, timeout: .seconds(120)))
    var parser = SSEParser()
    var raw: [String] = []
    var open = Set<String>()
    var finishedCalls = Set<String>()
    reading: for try await chunk in stream {
        for case .event(let e) in parser.feed(chunk) {
            raw.append(e.data)
            let c = try JSONDecoder().decode(CallEvent.self, from: Data(e.data.utf8))
            let leg = "\(c.uuid)/\(c.extension ?? "")"
            if c.state == "hangup" {
                open.remove(leg)
                if !open.contains(where: { $0.hasPrefix(c.uuid + "/") }) { finishedCalls.insert(c.uuid) }
            } else {
                open.insert(leg)
            }
            if finishedCalls.count == calls && open.isEmpty { break reading }
        }
    }
    stream.cancel()
    var stateParser = SSEParser()
    var stateLines: [String] = []
    // The snapshot and the changes so far are already buffered; take what is there.
    let collector = Task {
        var lines: [String] = []
        for try await chunk in states {
            for case .event(let e) in stateParser.feed(chunk) { lines.append(e.data) }
            if lines.count >= 40 { break }
        }
        return lines
    }
    stateLines = try await collector.value
    states.cancel()
    return (raw, stateLines)
}

@Suite("callhook sim as a process")
struct SimulatorProcessTests {
    @Test("--seed 7 --calls 50 gives the same event sequence on two runs, and it conforms to the OpenAPI file")
    func deterministicAndConformant() async throws {
        let flags = ["--seed", "7", "--calls", "50", "--rate", "5/s", "--speed", "2000"]
        let first = try await recordSimulator(flags, calls: 50)
        let second = try await recordSimulator(flags, calls: 50)
        func withoutTime(_ lines: [String]) throws -> [[String: String]] {
            try lines.map { line in
                var o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
                #expect(o["updated"] != nil)
                o["updated"] = nil
                return o
            }
        }
        let a = try withoutTime(first.calls)
        #expect(a.count > 100)
        #expect(a == (try withoutTime(second.calls)))
        print("sim --seed 7 --calls 50: \(a.count) call events, identical on two runs")

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-openapi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let callsFile = dir.appendingPathComponent("calls.jsonl")
        let statesFile = dir.appendingPathComponent("states.jsonl")
        try (first.calls.joined(separator: "\n") + "\n").write(to: callsFile, atomically: true, encoding: .utf8)
        try (first.states.joined(separator: "\n") + "\n").write(to: statesFile, atomically: true, encoding: .utf8)
        let openapi = repositoryRoot.deletingLastPathComponent().appendingPathComponent(
            "shared/reference/nfon-cti-api.openapi.yml")
        try #require(FileManager.default.fileExists(atPath: openapi.path), "the NFON OpenAPI file is expected at \(openapi.path)")
        let check = try await ChildProcess.run(
            [
                "python3", repositoryRoot.appendingPathComponent("Tests/EndToEndTests/openapi_conformance.py").path,
                openapi.path, callsFile.path, statesFile.path,
            ], mergeErrors: true)
        print(check.output)
        #expect(check.status == 0, "\(check.output)")
    }
}
