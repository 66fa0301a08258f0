import Delivery
import Logging
import TestSupport
import Testing

@testable import PostgresQueue

@Suite struct SchemaTests {
    @Test func migrationsRunOnceAndANewerSchemaIsRefused() async throws {
        let cluster = try await PostgresCluster.shared()
        let url = try await cluster.createDatabase()
        let database = String(url.split(separator: "/").last!)
        _ = try await PostgresDeliveryStore(url: url, logger: Logger(label: "t"))
        _ = try await PostgresDeliveryStore(url: url, logger: Logger(label: "t"))
        #expect(try await cluster.psql(database, "SELECT version FROM callhook_schema").split(separator: "\n") == ["1"])
        try await cluster.psql(database, "INSERT INTO callhook_schema (version, name) VALUES (99, 'from the future')")
        await #expect {
            _ = try await PostgresDeliveryStore(url: url, logger: Logger(label: "t"))
        } throws: { error in
            "\(error)".contains("schema version 99, newer than this callhook knows")
        }
    }

    @Test func anUnreachableDatabaseIsReportedWithoutItsPassword() async throws {
        // A port nothing listens on.
        let port = try await PostgresCluster.shared().port + 1
        await #expect {
            _ = try await PostgresDeliveryStore(
                url: "postgres://u:s3cret@127.0.0.1:\(port)/x?sslmode=disable", logger: Logger(label: "t"),
                startupTimeout: .seconds(2))
        } throws: { error in
            let text = "\(error)"
            return text.contains("127.0.0.1:\(port)") && !text.contains("s3cret")
        }
    }

    @Test func urls() throws {
        let u = try PostgresQueueURL("postgres://app:p%40ss@db.example:6432/queue?sslmode=require")
        #expect(u.host == "db.example" && u.port == 6432 && u.user == "app" && u.password == "p@ss" && u.database == "queue")
        #expect(u.sslMode == "require")
        #expect(!u.description.contains("p@ss"))
        #expect(try PostgresQueueURL("postgres://app@h/q").sslMode == "prefer")
        #expect(throws: PostgresQueueURL.Invalid.self) { try PostgresQueueURL("postgres://h/q?sslmode=sometimes") }
        #expect(throws: PostgresQueueURL.Invalid.self) { try PostgresQueueURL("postgres://h/q?timeout=1") }
        #expect(throws: PostgresQueueURL.Invalid.self) { try PostgresQueueURL("mysql://h/q") }
    }
}

@Suite struct TLSTests {
    /// `sslmode=require` connects over TLS; `disable` does not.
    @Test func theURLDecidesTLS() async throws {
        let url = try await PostgresCluster.shared().createDatabase()
        for (mode, expected) in [("require", true), ("disable", false), ("prefer", true)] {
            let store = try await PostgresDeliveryStore(url: url + "?sslmode=\(mode)", logger: Logger(label: "t"))
            store.startPool()
            let rows = try await store.rows("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
            #expect(try rows.first?.decode(Bool.self) == expected, "sslmode=\(mode)")
        }
    }
}
