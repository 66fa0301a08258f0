import Foundation
import Testing

@testable import Delivery

/// The SQLite queue's commit with the refill read in the same transaction:
/// a full read answers what a commit and then `due` would; a fresh-only
/// refill hands back the batch's own inserts that may go at once, with
/// their queue positions, and the commit says where a finished delivery
/// left a pending one of its order key.
@Suite struct CommitThenDueTests {
    @Test func theReadSeesTheBatchItCommitsAndSkipsWhatTheCallerHolds() async throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        var first = StoreBatch()
        first.inserts = [Delivery(request("a1", call: "a"), now: 1000)]
        let held = try await store.commit(
            first, refills: [("crm", 10, nil)], probeSuccessors: false, now: 1000, skipping: [])
        let a1 = try #require(held.due?["crm"]?.first)
        #expect(held.due?["crm"]?.map(\.id) == ["a1"])
        #expect(held.scanned["crm"]?.exhausted == true, "fewer than 10 due: the read saw them all")
        #expect(held.scanned["crm"]?.full == true)

        var second = StoreBatch()
        second.inserts = [
            Delivery(request("a2", call: "a"), now: 1000), Delivery(request("b1", call: "b"), now: 1000),
            Delivery(request("o1", target: "other", call: "c"), now: 1000),
        ]
        let due = try await store.commit(
            second, refills: [("crm", 10, nil), ("other", 10, nil)], probeSuccessors: false, now: 1000,
            skipping: [try #require(a1.seq)]
        ).due
        #expect(due?["crm"]?.map(\.id) == ["b1"], "a2 waits behind a1 (same call); a1 is held by the caller")
        #expect(due?["other"]?.map(\.id) == ["o1"])
        #expect(try await store.due(target: "crm", now: 1000, limit: 10, skipping: [a1.seq!]).map(\.id) == ["b1"])

        // Past a position only: b1 is held up to there; c1 and c2 are new.
        var third = StoreBatch()
        third.inserts = [Delivery(request("c1", call: "c"), now: 1000), Delivery(request("d1", call: "d"), now: 1000)]
        let b1 = try #require(due?["crm"]?.first?.seq)
        let past = try await store.commit(
            third, refills: [("crm", 1, .upTo(b1))], probeSuccessors: false, now: 1000, skipping: [a1.seq!, b1])
        #expect(past.due?["crm"]?.map(\.id) == ["c1"], "a2 is blocked; the read starts after b1 and stops at the limit")
        #expect(past.scanned["crm"]?.full == false)
        #expect(past.scanned["crm"]?.exhausted == false, "d1 is past the limit")
        #expect(past.scanned["crm"]?.last == past.due?["crm"]?.first?.seq)
    }

    @Test func aFreshRefillHandsBackTheInsertsThatMayGoWithTheirPositions() async throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        var first = StoreBatch()
        first.inserts = [Delivery(request("a1", call: "a"), now: 1000)]
        let a1 = try #require(
            try await store.commit(first, refills: [("crm", 10, nil)], probeSuccessors: false, now: 1000, skipping: [])
                .due?["crm"]?.first)

        var second = StoreBatch()
        second.inserts = [
            Delivery(request("a2", call: "a"), now: 1000), Delivery(request("b1", call: "b"), now: 1000),
            Delivery(request("b2", call: "b"), now: 1000), Delivery(request("a1", call: "a"), now: 1000),
            Delivery(request("o1", target: "other", call: "c"), now: 1000),
        ]
        let landing = try await store.commit(
            second, refills: [("crm", 10, .all)], probeSuccessors: false, now: 1000, skipping: [a1.seq!])
        let fresh = try #require(landing.due?["crm"])
        #expect(fresh.map(\.id) == ["b1"], "a2 waits behind a1, b2 behind b1; a1 again is a duplicate")
        #expect(landing.skipped == 1)
        #expect(landing.due?["other"] == nil, "no refill was asked for other")
        #expect(landing.scanned.isEmpty, "nothing was read")
        let stored = try await store.due(target: "crm", now: 1000, limit: 10, skipping: [a1.seq!])
        #expect(fresh.map(\.seq) == stored.map(\.seq), "the positions are those written")
    }

    @Test func aFinishedDeliveryNamesTheTargetOfItsPendingSuccessor() async throws {
        let (store, dir) = try makeStore()
        defer { try? FileManager.default.removeItem(at: dir) }
        var first = StoreBatch()
        first.inserts = [
            Delivery(request("a1", call: "a"), now: 1000), Delivery(request("a2", call: "a"), now: 1000),
            Delivery(request("b1", call: "b"), now: 1000),
        ]
        let rows = try #require(
            try await store.commit(first, refills: [("crm", 10, nil)], probeSuccessors: false, now: 1000, skipping: [])
                .due?["crm"])
        #expect(rows.map(\.id) == ["a1", "b1"])

        func delivered(_ d: Delivery) -> StoreBatch.Outcome {
            StoreBatch.Outcome(
                id: d.id, seq: d.seq, status: .delivered, attempts: 1, nextAttemptAt: 1000, lastStatus: 204, lastError: nil,
                finishedAt: 1001, attempt: nil)
        }
        var done = StoreBatch()
        done.outcomes = [delivered(rows[1])]
        let quiet = try await store.commit(done, refills: [], probeSuccessors: true, now: 1001, skipping: [rows[0].seq!])
        #expect(quiet.unblocked.isEmpty, "b1 leaves nothing of call b pending")

        done.outcomes = [delivered(rows[0])]
        let landing = try await store.commit(done, refills: [], probeSuccessors: true, now: 1001, skipping: [])
        #expect(landing.unblocked == ["crm"], "a2 comes first now")
        #expect(!landing.unblockedUnknown)

        var bySeqUnknown = delivered(rows[0])
        bySeqUnknown.seq = nil
        done.outcomes = [bySeqUnknown]
        let unknown = try await store.commit(done, refills: [], probeSuccessors: true, now: 1001, skipping: [])
        #expect(unknown.unblockedUnknown, "without a position the successor is not looked for: any target may have one")
    }
}
