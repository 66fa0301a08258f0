import Foundation
import TestSupport
import Testing

/// Deploy/ and the editor schema checked by the tools operators use:
/// systemd-analyze, hadolint, kubernetes-validate and taplo (installed by
/// `make deps-test`), and `make install` into a scratch DESTDIR.
@Suite("Deploy files and installation")
struct DeployTests {
    static let root = repositoryRoot.path

    /// Runs `command` in a shell in `directory`; stdout and stderr together.
    static func shell(_ command: String, in directory: String = root) async throws -> ChildProcess.Result {
        try await ChildProcess.run(["sh", "-c", "cd '\(directory)' && \(command)"], mergeErrors: true)
    }

    /// Fails the test with the install command when `tool` is not on PATH.
    static func require(_ tool: String) async throws {
        let found = try await shell("command -v \(tool)")
        try #require(found.status == 0, "\(tool) is not installed: run `make deps-test`")
    }

    /// A directory of its own under the system's temporary directory; the
    /// test removes it (`remove`) whatever the outcome: an installed tree
    /// holds a copy of the binary (130 MB in a debug build).
    static func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-deploy-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func remove(_ dir: String) { try? FileManager.default.removeItem(atPath: dir) }

    @Test("systemd-analyze verify accepts Deploy/callhook.service (ExecStart pointed at the built binary)")
    func systemdUnit() async throws {
        try await Self.require("systemd-analyze")
        let dir = try Self.scratch()
        defer { Self.remove(dir) }
        let unit = try String(contentsOfFile: Self.root + "/Deploy/callhook.service", encoding: .utf8)
        #expect(unit.contains("ExecStart=/usr/local/bin/callhook run --config /etc/callhook/callhook.toml"))
        // The one change: the binary path, which does not exist on a build machine.
        try unit.replacingOccurrences(of: "/usr/local/bin/callhook", with: callhookBinary)
            .write(toFile: dir + "/callhook.service", atomically: true, encoding: .utf8)
        let r = try await Self.shell("systemd-analyze verify '\(dir)/callhook.service'")
        #expect(r.status == 0 && r.output.isEmpty, "systemd-analyze verify: \(r.output)")
    }

    @Test("hadolint passes Deploy/Containerfile")
    func containerfile() async throws {
        try await Self.require("hadolint")
        let r = try await Self.shell("hadolint Deploy/Containerfile")
        #expect(r.status == 0, "hadolint: \(r.output)")
    }

    @Test("kubernetes-validate --strict passes every manifest in Deploy/kubernetes")
    func kubernetes() async throws {
        try await Self.require("kubernetes-validate")
        let r = try await Self.shell("kubernetes-validate --strict Deploy/kubernetes/*.yaml")
        #expect(r.status == 0, "kubernetes-validate: \(r.output)")
        for kind in [
            "deployment", "configmap/callhook-rules", "configmap/callhook-config", "secret", "service",
            "poddisruptionbudget", "persistentvolumeclaim",
        ] {
            #expect(r.output.contains("passed for resource \(kind)"), "no \(kind) validated: \(r.output)")
        }
    }

    @Test("taplo lint with the rule schema: every file in Rules/ passes, a misspelt key fails")
    func taploSchema() async throws {
        try await Self.require("taplo")
        let schema = "file://\(Self.root)/docs/callhook-rules.schema.json"
        let good = try await Self.shell("taplo lint --no-auto-config --schema '\(schema)' Rules/*.toml")
        #expect(good.status == 0, "taplo on Rules/: \(good.output)")
        // The repository's .taplo.toml maps Rules/ to the schema by itself.
        let auto = try await Self.shell("taplo lint Rules/*.toml")
        #expect(auto.status == 0, "taplo with .taplo.toml: \(auto.output)")

        let dir = try Self.scratch()
        defer { Self.remove(dir) }
        try "[[rule]]\nname = \"x\"\non = [\"ended\"]\nwhen = { clas = \"vip\" }\n"
            .write(toFile: dir + "/broken.toml", atomically: true, encoding: .utf8)
        let bad = try await Self.shell("taplo lint --no-auto-config --schema '\(schema)' broken.toml", in: dir)
        #expect(bad.status != 0, "taplo accepted a misspelt key")
        #expect(bad.output.contains("'clas' was unexpected"), "\(bad.output)")
    }

    @Test("make install DESTDIR=… leaves a tree a package could ship")
    func makeInstall() async throws {
        let dest = try Self.scratch()
        defer { Self.remove(dest) }
        let r = try await Self.shell("make -s install-files DESTDIR='\(dest)' BINARY='\(callhookBinary)'")
        try #require(r.status == 0, "make install-files: \(r.output)")
        let listing = try await Self.shell("find . -type f | sort", in: dest)
        let files = Set(listing.output.split(separator: "\n").map(String.init))
        for expected in [
            "./usr/local/bin/callhook",
            "./usr/local/share/callhook/rules/crm.toml", "./usr/local/share/callhook/rules/vip-numbers.txt",
            "./usr/local/share/doc/callhook/README.md", "./usr/local/share/doc/callhook/getting-started.md",
            "./usr/local/share/doc/callhook/deploy.md", "./usr/local/share/doc/callhook/callhook-rules.schema.json",
            "./usr/local/share/doc/callhook/Deploy/callhook.toml",
            "./usr/local/share/doc/callhook/Deploy/kubernetes/deployment.yaml",
            "./usr/local/share/doc/callhook/Deploy/kubernetes/scale-out/deployment.yaml",
            "./usr/local/share/doc/callhook/Deploy/postgres/setup.sql",
            "./usr/local/lib/systemd/system/callhook.service",
            "./usr/local/share/bash-completion/completions/callhook",
            "./usr/local/share/zsh/site-functions/_callhook",
            "./usr/local/share/fish/vendor_completions.d/callhook.fish",
        ] {
            #expect(files.contains(expected), "\(expected) not installed; tree:\n\(listing.output)")
        }
        let bash = try String(contentsOfFile: dest + "/usr/local/share/bash-completion/completions/callhook", encoding: .utf8)
        #expect(bash.contains("demo") && bash.contains("--config"), "bash completion names the subcommands")

        // The installed binary finds the installed example rules from any directory.
        let empty = try Self.scratch()
        defer { Self.remove(empty) }
        let demo = try await Self.shell(
            "'\(dest)/usr/local/bin/callhook' demo --duration 5s --rate 4/s --log-level debug", in: empty)
        #expect(demo.status == 0, "\(demo.output)")
        #expect(demo.output.contains("── #"), "no callback printed:\n\(demo.output)")
        #expect(demo.output.contains("\(dest)/usr/local/share/callhook/rules"), "rules not from the install:\n\(demo.output)")
    }

    @Test("cd $(mktemp -d) && callhook demo --duration 5s prints callbacks, from the rules compiled into the binary")
    func demoAnywhere() async throws {
        // The binary alone in a directory of its own: no Rules/, no
        // share/callhook/rules, nothing next to it.
        let bin = try Self.scratch()
        defer { Self.remove(bin) }
        try FileManager.default.copyItem(atPath: callhookBinary, toPath: bin + "/callhook")
        let empty = try Self.scratch()
        defer { Self.remove(empty) }
        let r = try await Self.shell("'\(bin)/callhook' demo --duration 5s --rate 4/s --log-level debug", in: empty)
        #expect(r.status == 0, "\(r.output)")
        #expect(r.output.contains("── #") && r.output.contains("\"call_id\""), "no callback printed:\n\(r.output)")
        #expect(
            r.output.contains("from=compiled into callhook") || r.output.contains("from=\"compiled into callhook\""),
            "the demo did not take the compiled-in rules:\n\(r.output)")
        #expect(!r.output.contains("\(Self.root)/Rules"), "rules read from the source tree")
    }

    @Test("the `callhook --help` block in docs/getting-started.md is the binary's real output")
    func helpInDocs() async throws {
        let doc = try String(contentsOfFile: Self.root + "/docs/getting-started.md", encoding: .utf8)
        let start = try #require(doc.range(of: "<!-- callhook --help -->\n```text\n"), "no --help block in the docs")
        let end = try #require(doc.range(of: "\n```", range: start.upperBound..<doc.endIndex))
        let shown = String(doc[start.upperBound..<end.lowerBound])
        let r = try await CallhookProcess.run(["--help"])
        #expect(r.status == 0)
        let real = r.stdout.trimmingCharacters(in: .newlines)
        #expect(shown == real, "docs/getting-started.md shows an outdated --help; the binary prints:\n\(real)")
    }
}
