import Delivery
import Foundation
import Logging
import TestSupport
import Testing

@testable import PostgresQueue

/// Several instances on one PostgreSQL queue (docs/delivery.md, "PostgreSQL").
@Suite struct ClaimTests {
    @Test func aClaimedDeliveryIsNotSentByAnotherInstanceUntilItsLeaseEnds() async throws {
        let (a, b) = try await postgresPair(lease: .seconds(1))
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
        // a dies (no renewal): b takes b1 once a's lease ended.
        let start = ContinuousClock.now
        var got: [String] = []
        while got.isEmpty, ContinuousClock.now - start < .seconds(10) {
            got = try await b.due(target: "crm", now: 10, limit: 10, skipping: []).map(\.id)
            if got.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(got == ["b1"])
        #expect(ContinuousClock.now - start >= .milliseconds(500))
    }

    @Test func aLaterRequestOfAnOrderKeyIsNeverClaimableWhileAnEarlierIsPending() async throws {
        let (a, b) = try await postgresPair(lease: .seconds(1))
        try await a.commit(inserts([request("k1", call: "K"), request("k2", call: "K"), request("k3", call: "K")]))
        #expect(try await a.due(target: "crm", now: 10, limit: 10, skipping: []).map(\.id) == ["k1"])
        #expect(try await b.due(target: "crm", now: 10, limit: 10, skipping: []).isEmpty)
        // A retry later: k1 is still pending, so k2 still waits, on either instance.
        try await a.commit(outcome("k1", .pending, attempts: 1, next: 10_000, code: 503))
        #expect(try await b.due(target: "crm", now: 20, limit: 10, skipping: []).isEmpty)
        try await a.commit(outcome("k1", .dead, attempts: 1, code: 410, finished: 30))
        #expect(try await b.due(target: "crm", now: 40, limit: 10, skipping: []).map(\.id) == ["k2"])
        #expect(try await a.due(target: "crm", now: 40, limit: 10, skipping: []).isEmpty)
    }

    @Test func renewedClaimsHoldAndReleasedClaimsGoAtOnce() async throws {
        let (a, b) = try await postgresPair(lease: .seconds(1))
        try await a.commit(inserts([request("r1", call: "R")]))
        #expect(try await a.due(target: "crm", now: 10, limit: 10, skipping: []).map(\.id) == ["r1"])
        // Renewed for 3 s, longer than the lease: b never gets it.
        let until = ContinuousClock.now + .seconds(3)
        while ContinuousClock.now < until {
            try await a.beat()
            #expect(try await b.due(target: "crm", now: 10, limit: 10, skipping: []).isEmpty)
            try await Task.sleep(for: .milliseconds(200))
        }
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
