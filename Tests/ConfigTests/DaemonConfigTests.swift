import Config
import Testing

@Suite struct DaemonConfigTests {
    let example = """
        rules = "Rules"
        data = "callhook-data"

        [source]
        kind = "nfon"

        [source.nfon]
        base_url = "https://providersupportdata.cloud-cfg.com/v1"
        username = "{{env.NFON_API_USERNAME}}"
        password = "{{env.NFON_API_PASSWORD}}"
        account = "K1234"
        line_states = true
        directory_refresh = "15m"
        idle_timeout = "90s"

        [source.simulator]
        rate = "1/s"
        seed = 1

        [server]
        listen = "127.0.0.1:8080"
        admin_token = "{{env.CALLHOOK_ADMIN_TOKEN}}"

        [queue]
        url = "sqlite:callhook-data/queue.sqlite"
        retention = "7d"
        """

    @Test func readsTheDocumentedExample() throws {
        let env = ["NFON_API_USERNAME": "user", "NFON_API_PASSWORD": "pw-secret", "CALLHOOK_ADMIN_TOKEN": "adm"]
        let c = try DaemonConfig.load(path: "/etc/callhook/callhook.toml", text: example, environment: env).get()
        #expect(c.rules == "/etc/callhook/Rules")
        #expect(c.data == "/etc/callhook/callhook-data")
        #expect(c.source == .nfon)
        #expect(c.nfon.count == 1 && c.nfon[0].password == "pw-secret" && c.nfon[0].account == "K1234")
        #expect(c.nfon[0].directoryRefresh == .seconds(900) && c.nfon[0].idleTimeout == .seconds(90))
        #expect(c.queuePath == "/etc/callhook/callhook-data/queue.sqlite")
        #expect(c.retention == .seconds(7 * 86400))
        #expect(c.adminToken == "adm")
        #expect(c.secrets.contains("pw-secret"))
    }

    @Test func unknownKeysAndMissingSecretsAreErrors() {
        let text = """
            [source]
            kind = "nfon"
            [source.nfon]
            base_url = "http://127.0.0.1:1/v1"
            username = "u"
            pasword = "x"
            account = "K1"
            [server]
            lisen = "x"
            admin_token = "{{env.NOT_SET_ANYWHERE}}"
            """
        guard case .failure(let e) = DaemonConfig.load(path: "c.toml", text: text, environment: [:]) else {
            Issue.record("expected errors")
            return
        }
        let messages = e.problems.map(\.description)
        #expect(messages.contains { $0.contains("[source.nfon] pasword: unknown key; did you mean `password`?") })
        #expect(messages.contains { $0.contains("[server] lisen: unknown key; did you mean `listen`?") })
        #expect(messages.contains { $0.contains("[source.nfon] password: is required") })
        #expect(messages.contains { $0.contains("environment variable NOT_SET_ANYWHERE is not set") })
    }

    @Test func aPostgreSQLQueueWithItsLease() throws {
        let text = """
            [queue]
            url = "postgres://callhook:{{env.DB_PASSWORD}}@db:5432/callhook?sslmode=require"
            lease = "5s"
            """
        let c = try DaemonConfig.load(path: "c.toml", text: text, environment: ["DB_PASSWORD": "db-secret"]).get()
        #expect(c.queueURL == "postgres://callhook:db-secret@db:5432/callhook?sslmode=require")
        #expect(c.queuePath == nil && c.queueLease == .seconds(5))
        #expect(c.secrets.contains("db-secret"))
        #expect(DaemonConfig().queueLease == .seconds(30))
        guard case .failure(let e) = DaemonConfig.load(path: "c.toml", text: "[queue]\nlease = \"500ms\"", environment: [:])
        else {
            Issue.record("a lease under a second was accepted")
            return
        }
        #expect(e.description.contains("[queue] lease: must be at least 1s"))
    }

    @Test func defaultsWithoutAFile() {
        let c = DaemonConfig()
        #expect(c.rules == "Rules" && c.data == "callhook-data" && c.source == .none && c.listen == "127.0.0.1:8080")
        #expect(c.queuePath == "callhook-data/queue.sqlite")
    }
}
