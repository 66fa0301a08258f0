import Testing

@testable import Lookup

@Suite struct LookupCacheTests {
    static let found = LookupOutcome.found(LookupResult(contacts: [Contact(name: "A")])!)

    @Test func entriesExpireAfterTheirLifetime() {
        var cache = LookupCache(capacity: 10, lifetimeNanoseconds: 1_000)
        cache.put("41", Self.found, now: 100)
        cache.put("42", .notFound, now: 500)
        #expect(cache.get("41", now: 1_099) == Self.found)
        #expect(cache.get("41", now: 1_100) == nil)
        #expect(cache.get("42", now: 1_100) == .notFound)
        cache.removeExpired(now: 1_200)
        #expect(cache.count == 1)
        #expect(cache.get("42", now: 1_499) == .notFound)
        #expect(cache.get("42", now: 1_500) == nil)
    }

    @Test func theOldestAnswerGoesBeyondCapacity() {
        var cache = LookupCache(capacity: 2, lifetimeNanoseconds: 1_000_000)
        cache.put("1", .notFound, now: 1)
        cache.put("2", .notFound, now: 2)
        cache.put("1", Self.found, now: 3)  // renewed: now the newest
        cache.put("3", .notFound, now: 4)
        #expect(cache.count == 2)
        #expect(cache.get("2", now: 5) == nil)
        #expect(cache.get("1", now: 5) == Self.found)
        #expect(cache.get("3", now: 5) == .notFound)
    }

    @Test func manyInsertionsStayWithinCapacity() {
        var cache = LookupCache(capacity: 100, lifetimeNanoseconds: 1_000_000_000)
        for i in 0..<10_000 { cache.put(String(i % 300), .notFound, now: Int64(i)) }
        #expect(cache.count == 100)
        // The last 100 insertions were the keys 0…99; older keys are gone.
        #expect(cache.get("99", now: 10_000) == .notFound)
        #expect(cache.get("0", now: 10_000) == .notFound)
        #expect(cache.get("100", now: 10_000) == nil)
    }

    @Test func zeroLifetimeCachesNothingAndRemoveAllEmpties() {
        var none = LookupCache(capacity: 10, lifetimeNanoseconds: 0)
        none.put("1", .notFound, now: 1)
        #expect(none.count == 0)
        var cache = LookupCache(capacity: 10, lifetimeNanoseconds: 100)
        cache.put("1", .notFound, now: 1)
        cache.removeAll()
        #expect(cache.get("1", now: 2) == nil)
    }
}
