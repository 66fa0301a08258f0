import Delivery
import Foundation
import Logging
import TestSupport
import Testing

@testable import PostgresQueue

/// Several instances on one PostgreSQL queue (docs/delivery.md, "PostgreSQL").
@Suite struct ClaimTests {
    @Test func aClaimedDeliveryIsNotSentByAnotherInstanceUntilItsLeaseEnds() async throws {
        let (a, b) = try await postgresPair()
        try await a.commit(inserts([request("a1", call: "A"), request("b1", call: "B"), request("c1", call: "C")]))
        #expect(try await a.due(target: "crm", now: 10, limit: 2, skipping: []).map(\.id) == ["a1", "b1"])
        // b gets only what a did not claim.
        let c1 = try await b.due(target: "crm", now: 10, limit: 10, skipping: [])
        #expect(c1.map(\.id) == ["c1"])
        // What b holds and passes as loaded is not returned again.
        #expect(try await b.due(target: "crm", now: 10, limit: 10, skipping: Set(c1.compactMap(\.seq))).isEmpty)
        // a sent a1 and b c1: their outcomes give the claims back, delivered.
        try await a.commit(outcome("a1", .delivered, attempts: 1, code: 200, finished: 20))
        try await b.commit(outcome("c1", .delivered, attempts: 1, code: 200, finished: 20))
        #expect(try await b.due(target: "crm", now: 10, limit: 10, skipping: []).isEmpty)
        // a dies (no renewal) and its lease ends (the database's clock moves
        // on by a lease): b takes b1.
        _ = try await a.rows("UPDATE delivery SET lease_until = lease_until - 30000 WHERE lease_owner IS NOT NULL")
        #expect(try await b.due(target: "crm", now: 10, limit: 10, skipping: []).map(\.id) == ["b1"])
        #expect(try await a.due(target: "crm", now: 10, limit: 10, skipping: []).isEmpty)
    }

    @Test func aLaterRequestOfAnOrderKeyIsNeverClaimableWhileAnEarlierIsPending() async throws {
        let (a, b) = try await postgresPair()
        try await a.commit(inserts([request("k1", call: "K"), request("k2", call: "K"), request("k3", call: "K")]))
        #expect(try await a.due(target: "crm", now: 10, limit: 10, skipping: []).map(\.id) == ["k1"])
        #expect(try await b.due(target: "crm", now: 10, limit: 10, skipping: []).isEmpty)
        // A retry later: k1 is still pending, so k2 still waits, on either instance.
        try await a.commit(outcome("k1", .pending, attempts: 1, next: 10_000, code: 503))
        #expect(try await b.due(target: "crm", now: 20, limit: 10, skipping: []).isEmpty)
        try await a.commit(outcome("k1", .dead, attempts: 2, code: 410, finished: 30))
        #expect(try await b.due(target: "crm", now: 40, limit: 10, skipping: []).map(\.id) == ["k2"])
        #expect(try await a.due(target: "crm", now: 40, limit: 10, skipping: []).isEmpty)
    }

    @Test func renewedClaimsHoldAndReleasedClaimsGoAtOnce() async throws {
        let (a, b) = try await postgresPair(lease: .seconds(20))
        try await a.commit(inserts([request("r1", call: "R")]))
        #expect(try await a.due(target: "crm", now: 10, limit: 10, skipping: []).map(\.id) == ["r1"])
        func leaseUntil() async throws -> Int64 {
            try await a.rows("SELECT lease_until FROM delivery WHERE id = 'r1'").first?.decode(Int64.self) ?? 0
        }
        // A heartbeat renews it: the lease ends a full lease after the heartbeat.
        _ = try await a.rows("UPDATE delivery SET lease_until = lease_until - 15000")
        let before = try await leaseUntil()
        try await a.beat()
        #expect(try await leaseUntil() >= before + 15000)
        #expect(try await b.due(target: "crm", now: 10, limit: 10, skipping: []).isEmpty)
        // Shutdown gives it back: b takes it at once.
        await a.releaseClaims()
        #expect(try await b.due(target: "crm", now: 10, limit: 10, skipping: []).map(\.id) == ["r1"])
    }

    @Test func liveInstancesShareATargetsLimits() async throws {
        let (a, b) = try await postgresPair()
        try await a.beat()
        #expect(a.share(concurrency: 8, ratePerSecond: 10).concurrency == 8)
        try await b.beat()
        try await a.beat()
        let shared = a.share(concurrency: 8, ratePerSecond: 10)
        #expect(shared.concurrency == 4 && shared.ratePerSecond == 5)
        #expect(a.share(concurrency: 1, ratePerSecond: nil).concurrency == 1)
        // b leaves: a has it all again at its next heartbeat.
        await b.releaseClaims()
        try await a.beat()
        #expect(a.share(concurrency: 8, ratePerSecond: 10).concurrency == 8)
    }

    @Test func twoInstancesInsertingTheSameRequestsQueueThemOnce() async throws {
        let (a, b) = try await postgresPair()
        let requests = (1...200).map { request("id-\($0)", call: "c\($0 % 7)") }
        async let first = a.commit(inserts(requests))
        async let second = b.commit(inserts(requests))
        let skipped = try await first + second
        #expect(skipped == 200)
        #expect(try await a.counts()[.pending] == 200)
        // Queue order is event order, whichever instance inserted a row.
        let rows = try await a.list(status: .pending, limit: 1000).reversed().map(\.id)
        #expect(rows == requests.map(\.deliveryID))
    }
}
