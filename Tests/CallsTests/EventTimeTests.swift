import Calls
import Testing

@Suite("RFC 3339 times")
struct EventTimeTests {
    @Test("parse and format round-trip with nanoseconds and offsets")
    func roundTrip() throws {
        let t = try #require(EventTime(rfc3339: "2025-09-23T16:51:22.954969226+02:00"))
        #expect(t.rfc3339() == "2025-09-23T14:51:22.954969226Z")
        #expect(t.rfc3339(offsetSeconds: 7200) == "2025-09-23T16:51:22.954969226+02:00")
        #expect(EventTime(rfc3339: "1970-01-01T00:00:00Z")?.nanoseconds == 0)
        #expect(EventTime(rfc3339: "2000-02-29T12:00:00.5Z")?.rfc3339() == "2000-02-29T12:00:00.5Z")
        for bad in ["", "2013-10-27T13:01:10:00.069620809+02:00", "2025-13-01T00:00:00Z", "2025-01-01 00:00"] {
            #expect(EventTime(rfc3339: bad) == nil, "\(bad)")
        }
    }

    @Test("any time and offset formats to text that parses back to the same time, in the fixed layout")
    func formatsEverything() throws {
        var rng = SeededRandom(seed: 11)
        for _ in 0..<20_000 {
            // 1678…2261, as EventTime covers; offsets up to ±23:59 in whole minutes.
            let t = EventTime(nanoseconds: Int64.random(in: -9_000_000_000_000_000_000...9_000_000_000_000_000_000, using: &rng))
            let offset = Int.random(in: -1439...1439, using: &rng) * 60
            let text = t.rfc3339(offsetSeconds: offset)
            #expect(EventTime(rfc3339: text) == t, "\(text)")
            let whole = t.rfc3339(offsetSeconds: offset, fraction: false)
            #expect(EventTime(rfc3339: whole)?.epochSeconds == t.epochSeconds, "\(whole)")
            #expect(whole.utf8.count == (offset == 0 ? 20 : 25))
        }
        #expect(EventTime(nanoseconds: 1_000).rfc3339() == "1970-01-01T00:00:00.000001Z")
        #expect(EventTime(nanoseconds: -1).rfc3339(offsetSeconds: -3600) == "1969-12-31T22:59:59.999999999-01:00")
    }
}
