import Testing

@testable import Config

@Suite("TOML parser")
struct TOMLParserTests {
    func parse(_ s: String) throws -> TOMLTable { try TOMLNode.parse(s) }

    func error(_ s: String) -> String {
        do {
            _ = try TOMLNode.parse(s)
            return "no error"
        } catch {
            return "\(error.line):\(error.column): \(error.message)"
        }
    }

    @Test("strings: basic with escapes, literal, multi-line of both kinds")
    func strings() throws {
        let doc = try parse(
            #"""
            a = "tab\there \"q\" \\ \u00e9 \U0001F4DE"
            b = 'C:\path\no escapes'
            c = """
            first
            second \
               joined"""
            d = '''
            raw \n line'''
            e = """one "two" ""three"""""
            """#)
        #expect(doc["a"] == .string("tab\there \"q\" \\ é 📞"))
        #expect(doc["b"] == .string(#"C:\path\no escapes"#))
        #expect(doc["c"] == .string("first\nsecond joined"))
        #expect(doc["d"] == .string(#"raw \n line"#))
        #expect(doc["e"] == .string(#"one "two" ""three"""#))
    }

    @Test("numbers, booleans and dates")
    func scalars() throws {
        let doc = try parse(
            """
            i = +1_000
            n = -17
            h = 0xff
            o = 0o17
            b = 0b101
            f = 3.14
            e = 5e+22
            x = -2E-2
            inf = -inf
            t = true
            odt = 1979-05-27T07:32:00.999999-07:00
            ldt = 1979-05-27 07:32:00
            ld = 1979-05-27
            lt = 07:32:00.5
            """)
        #expect(doc["i"] == .int(1000))
        #expect(doc["n"] == .int(-17))
        #expect(doc["h"] == .int(255))
        #expect(doc["o"] == .int(15))
        #expect(doc["b"] == .int(5))
        #expect(doc["f"] == .double(3.14))
        #expect(doc["e"] == .double(5e22))
        #expect(doc["x"] == .double(-0.02))
        #expect(doc["inf"] == .double(-.infinity))
        #expect(doc["t"] == .bool(true))
        #expect(doc["odt"] == .datetime("1979-05-27T07:32:00.999999-07:00"))
        #expect(doc["ldt"] == .datetime("1979-05-27 07:32:00"))
        #expect(doc["ld"] == .datetime("1979-05-27"))
        #expect(doc["lt"] == .datetime("07:32:00.5"))
    }

    @Test("tables, dotted keys, inline tables, arrays and arrays of tables")
    func structure() throws {
        let doc = try parse(
            """
            # comment
            title = "x" # trailing comment
            a.b.c = 1
            "quoted key".'lit' = 2
            [server]
            listen = "127.0.0.1:8080"
            [server.tls]
            on = false
            [[rule]]
            name = "one"
            [[rule.webhook]]
            target = "t"
            [[rule]]
            name = "two"
            when = { class = ["vip", "internal"], not = { answered = true } }
            arr = [
              1, # one
              [2, 3],
              { k = "v" },
            ]
            """)
        #expect(doc["a"] == .table(["b": .table(["c": .int(1)])]))
        #expect(doc["quoted key"] == .table(["lit": .int(2)]))
        #expect(doc["server"] == .table(["listen": .string("127.0.0.1:8080"), "tls": .table(["on": .bool(false)])]))
        let rules = try #require(doc["rule"]?.array)
        #expect(rules.count == 2)
        #expect(rules[0] == .table(["name": .string("one"), "webhook": .array([.table(["target": .string("t")])])]))
        let two = try #require(rules[1].table)
        #expect(
            two["when"]
                == .table(["class": .array([.string("vip"), .string("internal")]), "not": .table(["answered": .bool(true)])]))
        #expect(two["arr"] == .array([.int(1), .array([.int(2), .int(3)]), .table(["k": .string("v")])]))
    }

    @Test(
        "errors carry the line and column",
        arguments: [
            ("a = 1\na = 2\n", "2:1: `a` is defined twice"),
            ("[t]\nx = 1\n[t]\n", "3:1: table `t` is defined twice"),
            ("a = { b = 1 }\n[a.c]\n", "2:1: an inline table cannot be extended"),
            ("a = \"open\n", "1:5: unterminated string (a basic string cannot span lines; use \"\"\")"),
            ("a = \"bad \\q\"\n", "1:10: invalid escape sequence `\\q`"),
            ("a = 1 b = 2\n", "1:7: expected the end of the line, found `b`"),
            ("a = hello\n", "1:5: `hello` is not a valid value (strings need quotes)"),
            ("x = [1, 2\n", "2:1: unterminated array: expected `]`"),
            ("[[a]]\n[a]\n", "2:1: `a` is an array of tables; use [[…]]"),
            ("a = 1\na.b = 2\n", "2:1: `a` is already defined and cannot take dotted keys"),
            ("= 1\n", "1:1: expected a key, found `=`"),
            ("a = 01\n", "1:5: `01` is not a valid value (strings need quotes)"),
        ])
    func errors(_ input: String, _ expected: String) {
        #expect(error(input) == expected)
    }

    @Test("deep nesting is an error, not a crash")
    func depth() {
        #expect(error("a = " + String(repeating: "[", count: 10_000)).contains("nested more than 64 levels deep"))
        #expect(error("a = " + String(repeating: "{ b = ", count: 10_000)).contains("nested more than 64 levels deep"))
    }
}
