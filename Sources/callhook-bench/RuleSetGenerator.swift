import Foundation

/// Writes the P1/P2 rule set: 10,000 rules and a 1,000,000-number VIP list,
/// shaped like a large tenant's (per-extension pop-ups, per-caller alerts,
/// class and schedule rules), so most rules do not match a given call.
enum RuleSetGenerator {
    static func write(to dir: URL, rules: Int = 10_000, vipNumbers: Int = 1_000_000) throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var rng = SplitMix(seed: 42)
        var list = ""
        list.reserveCapacity(vipNumbers * 16)
        list += "# generated VIP list\n"
        // The example VIP numbers the simulator calls from, then generated ones.
        list += "+49 89 1234567\n+41 44 345 67 89\n+49 30 901820\n+49 30 123456\n"
        for _ in 4..<vipNumbers { list += "+49 30 \(10_000_000 + rng.next() % 89_999_999)\n" }
        try list.write(to: dir.appendingPathComponent("vip-numbers.txt"), atomically: true, encoding: .utf8)

        var base = """
            [settings]
            timezone = "Europe/Berlin"
            country_code = "49"

            [list.vip]
            file = "vip-numbers.txt"

            [schedule.office]
            hours = ["Mon-Fri 08:00-18:00"]

            [[class]]
            name = "vip"
            when = { remote = { list = "vip" } }
            ringtone = "vip"

            [target.crm]
            url = "https://crm.example.com/api"
            headers = { Authorization = "Bearer static-token" }

            """
        base += "\n"
        try base.write(to: dir.appendingPathComponent("00-base.toml"), atomically: true, encoding: .utf8)

        var text = ""
        let perExtension = rules * 6 / 10
        let perCaller = rules * 2 / 10
        let perClass = rules / 10
        for i in 0..<rules {
            text += "[[rule]]\nname = \"r\(i)\"\n"
            if i < perExtension {
                text += "on = [\"incoming\"]\nwhen = { extension = \"\(100 + i)\", class = [\"external\", \"vip\"] }\n"
                text += "[[rule.webhook]]\ntarget = \"crm\"\npath = \"/popup/{{extension.number}}\"\n"
                text +=
                    "json = { call = \"{{call.id}}\", from = \"{{remote.e164}}\", class = \"{{class}}\", agent = \"{{extension.name}}\" }\n\n"
            } else if i < perExtension + perCaller {
                text += "on = [\"missed\"]\nwhen = { remote = \"+49 89 \(1_000_000 + i)\" }\n"
                text += "[[rule.webhook]]\ntarget = \"crm\"\npath = \"/missed\"\njson = { from = \"{{remote.e164}}\" }\n\n"
            } else if i < perExtension + perCaller + perClass {
                text +=
                    "on = [\"ended\"]\nwhen = { class = \"vip\", extension = \"\(100 + i % 1000)\", min_duration = \"\(i % 600)s\" }\n"
                text +=
                    "[[rule.webhook]]\ntarget = \"crm\"\npath = \"/log\"\njson = { call = \"{{call.id}}\", talk = \"{{call.duration}}\" }\n\n"
            } else {
                text +=
                    "on = [\"answered\"]\nwhen = { during = \"office\", extension = \"\(100 + i % 300)\", direction = \"outbound\" }\n\n"
            }
        }
        try text.write(to: dir.appendingPathComponent("10-rules.toml"), atomically: true, encoding: .utf8)
    }
}

/// A tiny seeded generator so the generated set is the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
