import Calls
import Foundation
import RuleEngine
import TestSupport
import Testing

@testable import Delivery

/// `call.vars` travel as data from rendering to sending (9.5).
@Suite struct CallVarsSlotTests {
    static let rules = """
        [target.crm]
        url = "https://crm.example.com/api"
        headers = { X-Caller = "{{remote.name}}", X-Ticket = "{{call.vars.ticket}}" }

        [[rule]]
        name = "open"
        on = ["incoming"]
        [[rule.webhook]]
        target = "crm"
        path = "/tickets"
        json = { who = "{{remote.name}}" }
        capture = { ticket = "id" }

        [[rule]]
        name = "update"
        on = ["incoming"]
        [[rule.webhook]]
        target = "crm"
        path = "/tickets/{{call.vars.ticket}}"
        json = { who = "{{remote.name}}", ticket = "{{call.vars.ticket}}", text = "{{remote.name}}: {{call.vars.ticket}}" }
        """

    func render(callerName: String) throws -> RenderedRequest {
        let set = try RuleLoader.load([RuleLoader.File(path: "t.toml", text: Self.rules)], environment: [:]).get()
        var e = CallEngine(rules: set) { "d-\(UInt64.random(in: 0..<UInt64.max))" }
        let ring = CallEvent(
            uuid: "c1", state: "ring", caller: "0891234567", callerContext: "global", callee: "100", calleeContext: "K1",
            direction: .inbound, extension: "100", customer: "K1", updated: "2026-01-05T10:00:00Z", error: nil,
            callerName: callerName)
        let requests = e.process(ring, arrival: EventTime(nanoseconds: 0), now: EventTime(nanoseconds: 0)).flatMap(\.requests)
        return try #require(requests.first { $0.rule == "update" })
    }

    /// A caller whose name looks exactly like what a `call.vars` marker used
    /// to be (or like a slot) is sent as that name, not as a captured value.
    @Test func callerNamedLikeAMarkerArrivesVerbatim() async throws {
        let slotLookalike = "__callhook_slot_00000000000000000000000000000000_7469636b6574_"
        let name = "\(CallVars.legacyMarker("ticket")) \(slotLookalike)"
        let r = try render(callerName: name)
        #expect(r.lateBound != nil)

        // Through the durable queue and back, then filled in as when sent.
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        var batch = StoreBatch()
        batch.inserts = [Delivery(r, now: 1000)]
        try await store.commit(batch)
        let (d, _) = try #require(try await store.delivery(id: r.deliveryID))
        let sent = Dispatcher.fillCallVars(d, values: ["ticket": "T 1\""])

        #expect(sent.url == "https://crm.example.com/api/tickets/T%201%22")
        #expect(sent.headers.first { $0.name == "X-Caller" }?.value == name)
        #expect(sent.headers.first { $0.name == "X-Ticket" }?.value == "T 1\"")
        let body = try #require(try JSONSerialization.jsonObject(with: Data(sent.body ?? [])) as? [String: String])
        #expect(body["who"] == name)
        #expect(body["ticket"] == "T 1\"")
        #expect(body["text"] == "\(name): T 1\"")
    }

    @Test func onlyThisEventsPlaceholdersOfCapturedNamesBecomeSlots() {
        let mine = CallVarSlots()
        let other = CallVarSlots()
        let text = "a" + other.placeholder("ticket") + "b" + mine.placeholder("ticket") + mine.placeholder("nope")
        let t = mine.split(text, names: ["ticket"], escaping: .header)
        #expect(
            t.pieces == [
                .literal("a" + other.placeholder("ticket") + "b"), .variable(name: "ticket", escaping: .header),
                .literal(mine.placeholder("nope")),
            ])
        #expect(t.resolve(["ticket": "T\r\n1"]).hasSuffix("bT1" + mine.placeholder("nope")))
        #expect(t.display.contains("{{call.vars.ticket}}"))
    }

    @Test func aRequestWithoutCallVarsCarriesNoSlots() throws {
        let set = try RuleLoader.load([RuleLoader.File(path: "t.toml", text: Self.rules)], environment: [:]).get()
        var e = CallEngine(rules: set) { "d" }
        let ring = CallEvent(
            uuid: "c1", state: "ring", caller: "0891234567", callerContext: "global", callee: "100", calleeContext: "K1",
            direction: .inbound, extension: "100", customer: "K1", updated: "2026-01-05T10:00:00Z", error: nil,
            callerName: "Ann")
        let requests = e.process(ring, arrival: EventTime(nanoseconds: 0), now: EventTime(nanoseconds: 0)).flatMap(\.requests)
        let open = try #require(requests.first { $0.rule == "open" })
        // The target's X-Ticket header uses call.vars; the body does not.
        #expect(open.lateBound?.body?.hasVariables == false)
        #expect(open.bodyText == #"{"who":"Ann"}"#)
    }

    /// A queue written before slots were stored as data (schema v1, markers
    /// in the text) opens, and its rows are filled in as before.
    @Test func rowsOfAVersionOneQueueAreStillFilledIn() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-v1-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("queue.sqlite").path
        let m = CallVars.legacyMarker("ticket")
        let script = """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.executescript(sys.argv[2])
            db.execute("CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
            db.execute("INSERT INTO grdb_migrations VALUES ('v1: deliveries, attempts, captured call variables')")
            db.execute("INSERT INTO delivery (id, rule, target, phase, call_id, order_key, method, url, headers, body, "
                "body_escaping, uses_call_vars, capture, event_time, created_at, status, attempts, next_attempt_at) "
                "VALUES ('old', 'r', 'crm', 'answered', 'c1', 'k', 'POST', ?, ?, ?, 'CALLHOOK_JSON_STRING', 1, x'', 1, 1, "
                "'pending', 0, 1)", ("http://h/t/" + sys.argv[3], b"X-T\\0" + sys.argv[3].encode(),
                ('{"t":"' + sys.argv[3] + '"}').encode()))
            db.commit()
            """
        let p = try await ChildProcess.run(["python3", "-c", script, path, Self.v1Schema, m])
        #expect(p.status == 0)

        let store = try SQLiteDeliveryStore(path: path)
        let (d, _) = try #require(try await store.delivery(id: "old"))
        #expect(d.lateBound == nil && d.usesCallVars)
        let sent = Dispatcher.fillCallVars(d, values: ["ticket": "T \"1"])
        #expect(sent.url == "http://h/t/T%20%221")
        #expect(sent.headers.map(\.value) == ["T \"1"])
        #expect(sent.body.map { String(decoding: $0, as: UTF8.self) } == #"{"t":"T \"1"}"#)
    }

    /// The `delivery` table as the first released schema created it.
    static let v1Schema = """
        CREATE TABLE delivery (
            seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, rule TEXT NOT NULL, target TEXT NOT NULL,
            phase TEXT NOT NULL, call_id TEXT NOT NULL, order_key TEXT NOT NULL, method TEXT NOT NULL, url TEXT NOT NULL,
            headers BLOB NOT NULL, body BLOB, body_escaping TEXT NOT NULL, uses_call_vars INTEGER NOT NULL,
            capture BLOB NOT NULL, event_time INTEGER NOT NULL, created_at INTEGER NOT NULL, status TEXT NOT NULL,
            attempts INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL, last_status INTEGER, last_error TEXT,
            finished_at INTEGER);
        CREATE TABLE attempt (
            id INTEGER PRIMARY KEY AUTOINCREMENT, delivery_id TEXT NOT NULL REFERENCES delivery (id) ON DELETE CASCADE,
            n INTEGER NOT NULL, started_at INTEGER NOT NULL, duration REAL NOT NULL, status INTEGER, error TEXT,
            response BLOB NOT NULL);
        CREATE TABLE call_var (
            call_id TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, updated_at INTEGER NOT NULL,
            PRIMARY KEY (call_id, name));
        """
}
