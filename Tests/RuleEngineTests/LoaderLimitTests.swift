import RuleEngine
import Testing

/// Values that used to trap the loader (or the daemon after a reload):
/// each is now a `check` error with its line, so a reload keeps the old rules.
@Suite("loader limits: extreme values are errors, not crashes")
struct LoaderLimitTests {
    static let rule = """
        [[rule]]
        name = "r"
        on = ["ended"]
        [[rule.webhook]]
        target = "t"
        """

    /// Loads one file holding `[target.t]` with `targetLines`, and returns its problems.
    func targetProblems(_ targetLines: String) -> [String] {
        problems([("t.toml", "[target.t]\nurl = \"https://x.example\"\n\(targetLines)\n\(Self.rule)\n")])
    }

    @Test func dottedKeyWith100000PartsIsAnErrorNotACrash() {
        let key = Array(repeating: "a", count: 100_000).joined(separator: ".")
        let p = problems([("d.toml", "\(key) = 1\n")])
        #expect(p.count == 1)
        #expect(p.first?.hasPrefix("d.toml:1:1: error: ") == true)
        #expect(p.first?.contains("nested more than 64 levels") == true)
    }

    @Test func tableHeaderWith100000PartsIsAnErrorNotACrash() {
        let key = Array(repeating: "a", count: 100_000).joined(separator: ".")
        let p = problems([("h.toml", "[\(key)]\n")])
        #expect(p == ["h.toml:1:1: error: the table name has more than 64 parts"])
    }

    @Test func deeplyNestedInlineTablesAndArraysAreAnErrorNotAStackOverflow() {
        let tables = "x = " + String(repeating: "{ a = ", count: 100_000) + "1" + String(repeating: " }", count: 100_000)
        #expect(problems([("n.toml", tables + "\n")]).first?.contains("nested more than 64 levels") == true)
        let arrays = "x = " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(problems([("n.toml", arrays + "\n")]).first?.contains("nested more than 64 levels") == true)
        // Dotted keys inside nested tables count towards the same depth.
        let mixed = "x = " + String(repeating: "{ a.b.c.d = ", count: 20) + "1" + String(repeating: " }", count: 20)
        #expect(problems([("n.toml", mixed + "\n")]).first?.contains("nested more than 64 levels") == true)
    }

    @Test func timeoutOf999999999999DaysIsAnErrorNotATrap() {
        #expect(
            targetProblems("timeout = \"999999999999d\"") == [
                #"t.toml:3:1: error: target "t": timeout: `999999999999d` is longer than the limit of 3650d"#
            ])
        #expect(targetProblems("connect_timeout = \"1e300s\"").first?.contains("is not a duration") == true)
        #expect(targetProblems("timeout = \"3650d\"") == [])
    }

    @Test func concurrencyOfIntMaxIsAnErrorNotAnOverflow() {
        #expect(
            targetProblems("concurrency = 9223372036854775807") == [
                #"t.toml:3:1: error: target "t": concurrency: must be an integer from 1 to 1000, not 9223372036854775807"#
            ])
        #expect(targetProblems("concurrency = -9223372036854775808").count == 1)
        #expect(targetProblems("concurrency = 1000") == [])
    }

    @Test func retryWithIntMaxAttemptsHugeFactorAndMaxIsAnErrorNotATrap() {
        let p = targetProblems(#"retry = { attempts = 9223372036854775807, factor = 1e308, max = "99999999999d" }"#)
        #expect(p.count == 3)
        #expect(p.allSatisfy { $0.hasPrefix("t.toml:3:") })
        #expect(p.contains { $0.contains("retry.attempts: must be an integer from 1 to 10000") })
        #expect(p.contains { $0.contains("retry.factor: must be a number from 1 to 100") })
        #expect(p.contains { $0.contains("retry.max: `99999999999d` is longer than the limit of 3650d") })
        #expect(targetProblems("retry = { factor = inf }").count == 1)
        #expect(targetProblems("retry = { factor = nan }").count == 1)
    }

    @Test func rateOfInfinityOrBeyondTheBoundIsAnErrorNotADivisionTrap() {
        for rate in ["inf/s", "nan/s", "1e308/s", "10001/s", "0.5/d", "0.0000001/h"] {
            #expect(targetProblems("rate = \"\(rate)\"").count == 1, "\(rate)")
        }
        #expect(targetProblems("rate = \"10000/s\"") == [])
        #expect(targetProblems("rate = \"1/h\"") == [])
    }

    @Test func extensionDigitsOfIntMaxIsAnErrorNotAnOverflow() {
        let p = problems([("s.toml", "[settings]\nextension_digits = 9223372036854775807\n")])
        #expect(p == ["s.toml:2:1: error: settings: extension_digits: must be an integer from 1 to 15, not 9223372036854775807"])
    }

    @Test func listOfMoreThanAMillionEntriesIsAnErrorNotUnboundedMemory() {
        var text = ""
        text.reserveCapacity(9_000_000)
        for i in 0...1_000_000 { text += "+4989\(1_000_000 + i)\n" }
        let numbers = text
        let r = RuleLoader.load(
            [RuleLoader.File(path: "l.toml", text: "[list.big]\nfile = \"big.txt\"\n")], environment: [:],
            readFile: { _ in numbers })
        guard case .failure(let e) = r else {
            Issue.record("a list over the limit loaded")
            return
        }
        #expect(
            e.problems.map(\.description) == [
                #"l.toml:2:1: error: list "big": file: has more than 1000000 entries (the limit of a list)"#
            ])
    }

    @Test func aReloadedFileWithEveryTrapYieldsProblemsSoTheDaemonKeepsItsRules() {
        let text = """
            [settings]
            extension_digits = 9223372036854775807
            [target.t]
            url = "https://x.example"
            timeout = "999999999999d"
            concurrency = 9223372036854775807
            rate = "inf/s"
            retry = { attempts = 9223372036854775807, factor = 1e308, max = "99999999999d" }
            \(Self.rule)
            """
        let p = problems([("all.toml", text)])
        #expect(p.count == 7)
        // Stable order: by line, then column.
        let lines = p.map { Int($0.split(separator: ":")[1]) ?? 0 }
        #expect(lines == lines.sorted())
    }
}

@Suite("loader limits: problem counts")
struct LoaderProblemCountTests {
    @Test func listFileOfGarbageGivesBoundedProblemsNotOnePerLine() {
        let garbage = String(repeating: "not-a-number\n", count: 200_000)
        let r = RuleLoader.load(
            [RuleLoader.File(path: "g.toml", text: "[list.g]\nfile = \"g.txt\"\n")], environment: [:],
            readFile: { _ in garbage })
        guard case .failure(let e) = r else {
            Issue.record("a list of garbage loaded")
            return
        }
        #expect(e.problems.count == 101)
        #expect(e.problems.last?.description == #"g.txt:200001:1: error: 199900 more entries are not numbers (list "g")"#)
    }
}
