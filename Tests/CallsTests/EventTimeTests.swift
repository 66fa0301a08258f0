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
}
