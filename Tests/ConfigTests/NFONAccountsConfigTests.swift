import Config
import Testing

/// `[[source.nfon]]` once per K-account (runtime.md, "Several K-accounts").
@Suite struct NFONAccountsConfigTests {
    static let two = """
        [source]
        kind = "nfon"

        [[source.nfon]]
        base_url = "https://providersupportdata.cloud-cfg.com/v1"
        username = "{{env.NFON_K1234_USERNAME}}"
        password = "{{env.NFON_K1234_PASSWORD}}"
        account = "K1234"

        [[source.nfon]]
        base_url = "https://providersupportdata.cloud-cfg.com/v1/"
        username = "{{env.NFON_K5678_USERNAME}}"
        password = "{{env.NFON_K5678_PASSWORD}}"
        account = "K5678"
        line_states = false
        idle_timeout = "30s"
        """

    static let env = [
        "NFON_K1234_USERNAME": "u1", "NFON_K1234_PASSWORD": "secret-1", "NFON_K5678_USERNAME": "u2",
        "NFON_K5678_PASSWORD": "secret-2",
    ]

    func problems(_ text: String, _ env: [String: String] = env) -> [String] {
        guard case .failure(let e) = DaemonConfig.load(path: "c.toml", text: text, environment: env) else { return [] }
        return e.problems.map(\.description)
    }

    @Test func twoAccountsEachWithItsOwnSettings() throws {
        let c = try DaemonConfig.load(path: "c.toml", text: Self.two, environment: Self.env).get()
        #expect(c.nfon.map(\.account) == ["K1234", "K5678"])
        #expect(c.nfon.map(\.sourceName) == ["nfon:K1234", "nfon:K5678"])
        #expect(c.nfon.map(\.username) == ["u1", "u2"])
        #expect(c.nfon.map(\.lineStates) == [true, false])
        #expect(c.nfon.map(\.idleTimeout) == [.seconds(90), .seconds(30)])
        #expect(c.secrets.isSuperset(of: ["secret-1", "secret-2"]))
    }

    @Test func theSingleTableStaysValid() throws {
        let text = """
            [source]
            kind = "nfon"
            [source.nfon]
            base_url = "http://127.0.0.1:1/v1"
            username = "u"
            password = "p"
            account = "K1"
            """
        let c = try DaemonConfig.load(path: "c.toml", text: text, environment: [:]).get()
        #expect(c.nfon.map(\.account) == ["K1"])
    }

    @Test func theSameAccountTwiceIsAnErrorAtItsLine() {
        let text = Self.two.replacingOccurrences(of: #"account = "K5678""#, with: #"account = "K1234""#)
        #expect(
            problems(text) == ["c.toml:14:1: error: [[source.nfon]] account: K1234 is configured twice; the first is at line 8"])
    }

    @Test func theSameLoginTwiceIsAnError() {
        let text = Self.two.replacingOccurrences(of: "NFON_K5678_USERNAME", with: "NFON_K1234_USERNAME")
        #expect(
            problems(text) == [
                "c.toml:12:1: error: [[source.nfon]] username: the same login as account K1234 (line 6); each K-account has its own user name"
            ])
    }

    @Test func missingAndUnknownKeysNameTheEntry() {
        let text = """
            [source]
            kind = "nfon"

            [[source.nfon]]
            base_url = "http://127.0.0.1:1/v1"
            username = "u1"
            password = "p"
            account = "K1"

            [[source.nfon]]
            base_url = "http://127.0.0.1:1/v1"
            username = "u2"
            acount = "K2"
            """
        #expect(
            problems(text) == [
                "c.toml:10:1: error: [[source.nfon]] password: is required when [source] kind = \"nfon\"",
                "c.toml:10:1: error: [[source.nfon]] account: is required when [source] kind = \"nfon\"",
                "c.toml:13:1: error: [[source.nfon]] acount: unknown key; did you mean `account`?",
            ])
    }

    @Test func anAccountThatCannotBeALabelIsAnError() {
        let text = Self.two.replacingOccurrences(of: #"account = "K5678""#, with: #"account = "K 5678""#)
        #expect(problems(text).count == 1)
        #expect(problems(text).first?.hasPrefix("c.toml:14:1: error: [[source.nfon]] account: must be the K-account") == true)
    }

    @Test func aStaticArrayIsNotAnAccountList() {
        let text = """
            [source]
            kind = "nfon"
            nfon = ["K1"]
            """
        #expect(problems(text).contains { $0.hasPrefix("c.toml:3:1: error: [source] nfon: must be a [source.nfon] table") })
    }
}
