import Testing

@testable import Config

@Suite("TableReader and the node tree")
struct TableReaderTests {
    @Test func tablesKeepFileOrderAndKeyPositions() throws {
        let doc = try TOMLNode.parse("z = 1\n[b]\n  y = 2\na.c = 3\n[a]\nx = { q = 1, p = 2 }\n")
        #expect(doc.keys == ["z", "b", "a"])
        #expect(doc.position(of: "z") == TOMLPosition(line: 1, column: 1))
        #expect(doc.position(of: "b") == TOMLPosition(line: 2, column: 1))
        let b = try #require(doc["b"]?.table)
        #expect(b.keys == ["y", "a"])
        #expect(b.position(of: "y") == TOMLPosition(line: 3, column: 3))
        let x = try #require(doc["a"]?.table?["x"]?.table)
        #expect(x.keys == ["q", "p"])
        #expect(x.position(of: "p") == TOMLPosition(line: 6, column: 14))
    }

    @Test func unreadKeysAreReportedWithASuggestionAndTheirPosition() throws {
        let doc = try TOMLNode.parse("listen = \"x\"\nadmin_tokn = \"t\"\n")
        var r = TableReader(doc, file: "c.toml", subject: nil, prefix: "[server] ")
        #expect(r.string("listen") == "x")
        r.finish(known: ["listen", "admin_token"])
        #expect(
            r.problems.map(\.description) == ["c.toml:2:1: error: [server] admin_tokn: unknown key; did you mean `admin_token`?"])
    }

    @Test func aValueOfTheWrongTypeIsAnErrorNotADefault() throws {
        let doc = try TOMLNode.parse("a = \"yes\"\nb = 1.5\nc = 7\nd = \"99999999999d\"\n")
        var r = TableReader(doc, file: "c.toml", subject: "rule \"r\"")
        #expect(r.bool("a") == nil)
        #expect(r.int("b", in: 1...10) == nil)
        #expect(r.int("c", in: 1...5) == nil)
        #expect(r.duration("d") == nil)
        #expect(r.bool("missing") == nil)
        r.finish(known: [])
        #expect(
            r.problems.map(\.description) == [
                #"c.toml:1:1: error: rule "r": a: must be true or false, not a string"#,
                #"c.toml:2:1: error: rule "r": b: must be an integer, not a number"#,
                #"c.toml:3:1: error: rule "r": c: must be an integer from 1 to 5, not 7"#,
                #"c.toml:4:1: error: rule "r": d: `99999999999d` is longer than the limit of 3650d"#,
            ])
    }

    @Test func durationsAndRatesStayWithinTheirBounds() {
        #expect(DurationParser.parse("1h30m") == .seconds(5400))
        #expect(DurationParser.parse("3650d") == .seconds(3650 * 86400))
        #expect(DurationParser.check("3651d") == .failure(.tooLong))
        #expect(DurationParser.check("999999999999d") == .failure(.tooLong))
        #expect(DurationParser.check(String(repeating: "9", count: 400) + "s") == .failure(.malformed))
        #expect(DurationParser.check("١٢s") == .failure(.malformed))
        #expect(DurationParser.parseRate("20/s") == 20)
        for bad in ["inf/s", "nan/s", "1e308/s", "0/s", "-1/s", "1/d"] { #expect(DurationParser.parseRate(bad) == nil, "\(bad)") }
    }

    @Test func callhookTomlErrorsCarryTheirLine() {
        let text = "[server]\nlisten = \"127.0.0.1:8080\"\n\n[queue]\nretention = \"99999999999d\"\n"
        guard case .failure(let e) = DaemonConfig.load(path: "c.toml", text: text, environment: [:]) else {
            Issue.record("expected an error")
            return
        }
        #expect(
            e.problems.map(\.description) == [
                "c.toml:5:1: error: [queue] retention: `99999999999d` is longer than the limit of 3650d"
            ])
    }
}
