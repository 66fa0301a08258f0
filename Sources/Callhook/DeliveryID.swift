import Calls
import Delivery
import RuleEngine

/// Delivery ids. The pipeline derives them from the request's identity
/// (`derived`, a name-based UUID); `make` gives time-ordered random ones
/// (UUIDv7 layout: 48 bits of milliseconds, then random bits).
public enum DeliveryID {
    /// The same identity always gives the same id (docs/delivery.md).
    public static func derived(_ identity: RequestIdentity) -> String { NameBasedUUID.make(identity.canonical) }

    public static func make() -> String {
        var rng = SystemRandomNumberGenerator()
        let ms = UInt64(max(0, WallClock.now().nanoseconds / 1_000_000))
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: ms >> (8 * (5 - UInt64(i)))) }
        for i in 6..<16 { bytes[i] = UInt8.random(in: 0...255, using: &rng) }
        bytes[6] = (bytes[6] & 0x0F) | 0x70
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined()
        let c = Array(hex)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-\(String(c[12..<16]))-\(String(c[16..<20]))-\(String(c[20..<32]))"
    }
}
