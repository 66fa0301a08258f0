import Config
import Testing

/// `[server]`: the tokens, `public_url` and `ingest_customer`.
@Suite struct DaemonConfigServerTests {
    @Test func readsTheIngestKeys() throws {
        let text = """
            [server]
            ingest_token = "{{env.CALLHOOK_INGEST_TOKEN}}"
            public_url = "https://callhook.example.com"
            ingest_customer = "sipgate-main"
            """
        let c = try DaemonConfig.load(path: "c.toml", text: text, environment: ["CALLHOOK_INGEST_TOKEN": "ingest-secret"]).get()
        #expect(c.ingestToken == "ingest-secret")
        #expect(c.secrets.contains("ingest-secret"))
        #expect(c.publicURL == "https://callhook.example.com")
        #expect(c.ingestCustomer == "sipgate-main")
    }

    @Test func defaultsAndMisspellings() {
        let c = DaemonConfig()
        #expect(c.publicURL == nil && c.ingestCustomer == "ingest" && c.ingestToken == nil)
        guard case .failure(let e) = DaemonConfig.load(path: "c.toml", text: "[server]\npublic_ur = \"x\"\n", environment: [:])
        else {
            Issue.record("expected an unknown-key error")
            return
        }
        #expect(
            e.problems.map(\.description).contains { $0.contains("[server] public_ur: unknown key; did you mean `public_url`?") })
    }
}
