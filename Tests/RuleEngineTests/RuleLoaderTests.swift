import Calls
import RuleEngine
import Testing

func load(_ files: [(String, String)], env: [String: String] = [:]) -> Result<RuleSet, RuleLoadError> {
    RuleLoader.load(files.map { RuleLoader.File(path: $0.0, text: $0.1) }, environment: env)
}

func problems(_ files: [(String, String)], env: [String: String] = [:]) -> [String] {
    switch load(files, env: env) {
    case .success: return []
    case .failure(let e): return e.problems.map(\.description)
    }
}

@Suite("rule loading and checking")
struct RuleLoaderTests {
    let target = """
        [target.crm]
        url = "https://crm.example.com/api"
        """

    @Test("a valid file loads")
    func valid() throws {
        let set = try load([
            (
                "r.toml",
                target
                    + "\n[[rule]]\nname = \"a\"\non = [\"incoming\"]\n[[rule.webhook]]\ntarget = \"crm\"\njson = { x = \"{{call.id}}\" }\n"
            )
        ]).get()
        #expect(set.rules.map(\.name) == ["a"])
        #expect(set.rulesByPhase[.incoming] == [0])
        #expect(set.targets["crm"]?.concurrency == 16)
        #expect(set.targets["crm"]?.timeout == .seconds(10))
    }

    @Test("every problem is reported, one per line, with file, rule and key; misspellings get a suggestion")
    func many() {
        let text =
            target + """

                [[rule]]
                name = "first"
                on = ["incomming"]
                when = { clas = "vip" }

                [[rule.webhook]]
                target = "crn"

                [[rule]]
                name = "first"
                on = ["ended"]
                """
        let p = problems([("rules/a.toml", text)])
        #expect(p.contains(#"rules/a.toml:5:1: error: rule "first": on: unknown phase `incomming`; did you mean `incoming`?"#))
        #expect(p.contains(#"rules/a.toml:6:10: error: rule "first": when.clas: unknown key; did you mean `class`?"#))
        #expect(p.contains(#"rules/a.toml:9:1: error: rule "first": webhook.target: unknown target `crn`; did you mean `crm`?"#))
        #expect(p.contains { $0.hasPrefix(#"rules/a.toml:12:1: error: rule "first": is already defined in rules/a.toml"#) })
        #expect(p.count == 4)
    }

    @Test("TOML syntax errors carry line and column")
    func syntax() {
        let p = problems([("bad.toml", "[target.crm]\nurl = \"x\"\nthis is not toml\n")])
        #expect(p.count == 1)
        #expect(p[0].hasPrefix("bad.toml:3:"))
        #expect(p[0].contains(": error: "))
    }

    @Test("conditions that cannot apply to a phase are errors")
    func phaseApplicability() {
        let p = problems([("a.toml", "[[rule]]\nname = \"x\"\non = [\"incoming\", \"ended\"]\nwhen = { answered = true }\n")])
        #expect(p == [#"a.toml:4:1: error: rule "x": when.answered: cannot apply to phase `incoming` (only to ended, missed)"#])
    }

    @Test("environment variables: resolved at load, missing ones are errors, values are secrets")
    func environment() throws {
        let text =
            "[target.crm]\nurl = \"https://x.example/{{env.PATH_TOKEN}}\"\nheaders = { Authorization = \"Bearer {{env.TOKEN}}\" }\n"
        #expect(problems([("e.toml", text)]).count == 2)
        #expect(problems([("e.toml", text)])[0].contains("environment variable"))
        let set = try load([("e.toml", text)], env: ["TOKEN": "s3cr3t", "PATH_TOKEN": "p/t"]).get()
        #expect(set.secrets == ["s3cr3t", "p/t"])
        #expect(set.mask("Authorization: Bearer s3cr3t") == "Authorization: Bearer ***")
    }

    @Test("names must match [a-z0-9][a-z0-9_.-]*")
    func names() {
        #expect(
            problems([("n.toml", "[target.CRM]\nurl = \"https://x\"\n")]) == [
                #"n.toml:1:1: error: target "CRM": name must match [a-z0-9][a-z0-9_.-]*"#
            ])
    }
}

@Suite("inline webhook targets")
struct InlineTargetTests {
    @Test("a webhook may carry its url and target keys inline")
    func inline() throws {
        let text = """
            [[rule]]
            name = "teams"
            on = ["missed"]
            [[rule.webhook]]
            url = "https://teams.example.com/hook/{{env.TEAMS_PATH}}"
            timeout = "4s"
            retry = { attempts = 3 }
            json = { text = "missed {{remote.e164}}" }
            """
        let set = try load([("i.toml", text)], env: ["TEAMS_PATH": "abc"]).get()
        let target = try #require(set.targets["teams.webhook1"])
        #expect(target.timeout == .seconds(4))
        #expect(target.retry.attempts == 3)
        #expect(set.rules[0].webhooks[0].target == "teams.webhook1")
        #expect(
            problems([("i.toml", text + "\ntimout = \"1s\"\n")], env: ["TEAMS_PATH": "abc"]) == [
                #"i.toml:9:1: error: rule "teams": webhook.timout: unknown key; did you mean `timeout`?"#
            ])
        #expect(
            problems([
                (
                    "i.toml",
                    "[target.t]\nurl = \"https://x\"\n[[rule]]\nname = \"r\"\non = [\"ended\"]\n[[rule.webhook]]\ntarget = \"t\"\nurl = \"https://y\"\n"
                )
            ])
                == [#"i.toml:6:1: error: rule "r": webhook: has both `target` and `url`; use one"#])
    }
}
