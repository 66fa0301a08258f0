import Foundation
import TestSupport
import Testing

/// docs/openapi.yaml is valid OpenAPI 3.1 and true of the running daemon
/// (Tests/EndToEndTests/api_conformance.py; `make deps-test` installs
/// openapi-spec-validator and schemathesis).
@Suite struct OpenAPITests {
    static var spec: String { repositoryRoot.appendingPathComponent("docs/openapi.yaml").path }
    static var script: String { repositoryRoot.appendingPathComponent("Tests/EndToEndTests/api_conformance.py").path }

    /// Runs the script; returns its exit status and output.
    func python(_ args: [String]) async throws -> (Int32, String) {
        let r = try await ChildProcess.run(["python3", Self.script] + args, mergeErrors: true)
        return (r.status, r.output)
    }

    @Test func theDescriptionIsValidOpenAPI31() async throws {
        let (status, text) = try await python(["validate", Self.spec])
        #expect(status == 0, "\(text)")
        #expect(text.contains("valid OpenAPI 3.1"))
    }

    @Test(.timeLimit(.minutes(3)))
    func theDaemonAnswersAsDescribed() async throws {
        let sink = try await TestHTTPServer.start { _ in .json("{}") }
        defer { Task { await sink.stop() } }
        let setup = try DaemonSetup(rules: IngestSetup.rules(sink: sink.base), config: IngestSetup.config())
        let (daemon, port) = try await setup.startDaemon(["--source", "none"])
        defer { withExtendedLifetime((setup, daemon)) {} }
        let (status, text) = try await python([
            "fuzz", Self.spec, "http://127.0.0.1:\(port)", IngestSetup.ingestToken, IngestSetup.adminToken, setup.dir.path,
        ])
        print(text.suffix(4000))
        #expect(status == 0, "schemathesis found problems:\n\(text.suffix(8000))")
        #expect(!daemon.stderr.contains(IngestSetup.ingestToken))
        #expect(!daemon.stderr.contains(IngestSetup.adminToken))
    }
}
