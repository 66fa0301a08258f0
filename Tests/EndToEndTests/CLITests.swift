import Foundation
import Testing

@Suite("callhook CLI")
struct CLITests {
    @Test("version")
    func version() async throws {
        let r = try await CallhookProcess.run(["version"])
        #expect(r.status == 0)
        #expect(r.stdout == "callhook 0.1.0\n")
    }

    #if os(Linux)
        // docs/architecture.md, "The allocator": the binary runs on jemalloc,
        // which prints its statistics and options at exit when asked to,
        // with callhook's built-in options under the environment's.
        @Test("the binary's allocator is jemalloc, with at most four arenas unless MALLOC_CONF says otherwise")
        func allocator() async throws {
            let r = try await CallhookProcess.run(["version"], environment: ["MALLOC_CONF": "stats_print:true"])
            #expect(r.status == 0)
            #expect(r.stderr.contains("Begin jemalloc statistics"), "\(r.stderr.prefix(300))")
            #expect(r.stderr.contains("opt.narenas: 4\n"))
            let two = try await CallhookProcess.run(["version"], environment: ["MALLOC_CONF": "narenas:2,stats_print:true"])
            #expect(two.stderr.contains("opt.narenas: 2\n"))
        }
    #endif

    @Test("the example rules pass check")
    func checkExamples() async throws {
        let r = try await CallhookProcess.run(["check", "--rules", "Rules"])
        #expect(r.status == 0, "\(r.stdout)")
        #expect(r.stdout.contains("Rules: ok"))
    }

    @Test("a broken rule file: one line per problem, a suggestion, exit 1")
    func checkBroken() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try """
        [target.crm]
        url = "https://crm.example.com"
        timout = "5s"

        [[rule]]
        name = "x"
        on = ["incoming"]
        [[rule.webhook]]
        target = "nope"
        """.write(to: dir.appendingPathComponent("a.toml"), atomically: true, encoding: .utf8)
        try "[[rule]\n".write(to: dir.appendingPathComponent("b.toml"), atomically: true, encoding: .utf8)
        let r = try await CallhookProcess.run(["check", "--rules", dir.path])
        #expect(r.status == 1)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(lines)")
        #expect(
            lines.contains { $0.hasSuffix(#"a.toml:3:1: error: target "crm": timout: unknown key; did you mean `timeout`?"#) })
        #expect(lines.contains { $0.hasSuffix(#"a.toml:9:1: error: rule "x": webhook.target: unknown target `nope`"#) })
        #expect(lines.contains { $0.contains("b.toml:1:") })
    }

    @Test("usage errors exit 2")
    func usage() async throws {
        let r = try await CallhookProcess.run(["check", "--no-such-flag"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("no-such-flag"))
        let rate = try await CallhookProcess.run(["sim", "--rate", "fast"])
        #expect(rate.status == 2)
        #expect(rate.stderr.contains("--rate"))
    }
}

@Suite("source rules")
struct SourceRuleTests {
    @Test("no module imports FoundationNetworking or uses URLSession: libcurl is the only HTTP client")
    func onlyLibcurl() throws {
        let sources = repositoryRoot.appendingPathComponent("Sources")
        let walker = try #require(FileManager.default.enumerator(atPath: sources.path))
        var checked = 0
        while let path = walker.nextObject() as? String {
            guard path.hasSuffix(".swift") else { continue }
            let text = try String(contentsOf: sources.appendingPathComponent(path), encoding: .utf8)
            #expect(!text.contains("FoundationNetworking"), "\(path)")
            #expect(!text.contains("URLSession"), "\(path)")
            #expect(!text.contains("AsyncHTTPClient"), "\(path)")
            checked += 1
        }
        #expect(checked > 40)
    }
}
