import Config
import Testing

/// `[calls] max_ring` / `max_talk` (runtime.md, "Configuration").
@Suite struct CallsConfigTests {
    func problems(_ text: String) -> [String] {
        guard case .failure(let e) = DaemonConfig.load(path: "c.toml", text: text, environment: [:]) else { return [] }
        return e.problems.map(\.description)
    }

    @Test func defaultsAreTenMinutesAndTwelveHours() throws {
        let c = try DaemonConfig.load(path: "c.toml", text: "", environment: [:]).get()
        #expect(c.calls.maxRing == .seconds(600))
        #expect(c.calls.maxTalk == .seconds(12 * 3600))
    }

    @Test func readsBothBounds() throws {
        let text = """
            [calls]
            max_ring = "2m"
            max_talk = "4h30m"
            """
        let c = try DaemonConfig.load(path: "c.toml", text: text, environment: [:]).get()
        #expect(c.calls.maxRing == .seconds(120))
        #expect(c.calls.maxTalk == .seconds(4 * 3600 + 1800))
    }

    @Test func badValuesAndUnknownKeysAreErrorsWithPositions() {
        let messages = problems(
            """
            [calls]
            max_ring = "0s"
            max_talk = "3651d"
            max_rign = "1m"
            """)
        #expect(messages.contains { $0.contains("c.toml:2:") && $0.contains("[calls] max_ring: must be at least 1s") })
        #expect(messages.contains { $0.contains("c.toml:3:") && $0.contains("[calls] max_talk") && $0.contains("3650d") })
        #expect(messages.contains { $0.contains("[calls] max_rign: unknown key; did you mean `max_ring`?") })
        #expect(problems("[calls]\nmax_ring = 600").contains { $0.contains("[calls] max_ring: must be a string") })
    }
}
