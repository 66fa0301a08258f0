import Config
import Foundation
import Testing

/// The example configurations in Deploy/ load as they are shipped.
@Suite("Deploy/ configuration files")
struct DeployConfigTests {
    static let deploy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Deploy")

    static let secrets = [
        "NFON_API_USERNAME": "user", "NFON_API_PASSWORD": "pass", "CALLHOOK_ADMIN_TOKEN": "admin-token",
        "CALLHOOK_INGEST_TOKEN": "ingest-token", "CALLHOOK_AGENT_SECRET": "agent-secret",
    ]

    static func load(_ name: String, environment: [String: String] = secrets) throws -> Result<DaemonConfig, RuleLoadError> {
        let text = try String(contentsOf: deploy.appendingPathComponent(name), encoding: .utf8)
        return DaemonConfig.load(path: "/etc/callhook/callhook.toml", text: text, environment: environment)
    }

    @Test("Deploy/callhook.toml loads with its secrets set, and says what it configures")
    func example() throws {
        let c = try Self.load("callhook.toml").get()
        #expect(c.source == .nfon)
        #expect(c.nfon.count == 1 && c.nfon[0].username == "user" && c.nfon[0].account == "K1234")
        #expect(c.rules == "/etc/callhook/rules")
        #expect(c.data == "/var/lib/callhook")
        #expect(c.listen == "127.0.0.1:8080")
        #expect(c.adminToken == "admin-token" && c.agentSecret == "agent-secret")
        #expect(c.retention == .seconds(7 * 86_400))
    }

    @Test("Deploy/callhook.toml names every key of the configuration, commented where not accepted yet")
    func everyKey() throws {
        let text = try String(contentsOf: Self.deploy.appendingPathComponent("callhook.toml"), encoding: .utf8)
        for key in [
            "rules", "data", "kind", "base_url", "username", "password", "account", "line_states", "directory_refresh",
            "idle_timeout", "rate", "seed", "listen", "admin_token", "ingest_token", "public_url", "ingest_customer",
            "agent_secret", "max_ring", "max_talk", "url", "retention", "lease",
        ] {
            #expect(text.contains("\n\(key) =") || text.contains("# \(key) ="), "\(key) is not in Deploy/callhook.toml")
        }
    }

    @Test("a missing secret stops the load with the variable's name")
    func missingSecret() throws {
        var env = Self.secrets
        env["NFON_API_PASSWORD"] = nil
        guard case .failure(let e) = try Self.load("callhook.toml", environment: env) else {
            Issue.record("loaded without NFON_API_PASSWORD")
            return
        }
        #expect(e.description.contains("NFON_API_PASSWORD"))
    }

    @Test("the container's callhook.toml listens on all interfaces and needs no secrets")
    func container() throws {
        let c = try Self.load("container.toml", environment: [:]).get()
        #expect(c.listen == "0.0.0.0:8080")
        #expect(c.source == .none)
        #expect(c.rules == "/etc/callhook/rules")
    }

    @Test("the scale-out ConfigMap's callhook.toml loads and takes the PostgreSQL queue URL from the environment")
    func scaleOut() throws {
        let yaml = try String(
            contentsOf: Self.deploy.appendingPathComponent("kubernetes/scale-out/configmap-config.yaml"), encoding: .utf8)
        // The block scalar after `callhook.toml: |`, indented by four spaces.
        let lines = yaml.components(separatedBy: "\n")
        let start = try #require(lines.firstIndex { $0.hasSuffix("callhook.toml: |") })
        let toml = lines[(start + 1)...].map { $0.hasPrefix("    ") ? String($0.dropFirst(4)) : $0 }.joined(separator: "\n")
        var env = Self.secrets
        env["CALLHOOK_QUEUE_URL"] = "postgres://callhook:pw@db.example.com:5432/callhook"
        let c = try DaemonConfig.load(path: "/etc/callhook/callhook.toml", text: toml, environment: env).get()
        #expect(c.queueURL == "postgres://callhook:pw@db.example.com:5432/callhook")
        #expect(c.source == .nfon && c.listen == "0.0.0.0:8080")
    }
}
