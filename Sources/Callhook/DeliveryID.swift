import Calls
import Delivery
import RuleEngine
import Synchronization

/// Delivery ids. The pipeline derives them from the request's identity
/// (`derived`, a name-based UUID); `make` gives time-ordered random ones
/// (UUIDv7 layout: 48 bits of milliseconds, then random bits).
///
/// The random bits come from a SplitMix64 generator seeded once from the
/// system's generator: no system call and no allocation besides the string.
public enum DeliveryID {
    /// The same identity always gives the same id (docs/delivery.md).
    public static func derived(_ identity: RequestIdentity) -> String { NameBasedUUID.make(identity.canonical) }

    private static let state = Mutex<UInt64>(
        {
            var rng = SystemRandomNumberGenerator()
            return rng.next()
        }())

    private static let hexDigits = Array("0123456789abcdef".utf8)

    public static func make() -> String {
        let ms = UInt64(max(0, WallClock.now().nanoseconds / 1_000_000))
        let (a, b) = state.withLock { s -> (UInt64, UInt64) in
            (splitMix(&s), splitMix(&s))
        }
        // 48 bits of time, version 7, 12 random bits; variant 10, 62 random bits.
        let high = (ms << 16) | 0x7000 | (a & 0x0FFF)
        let low = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        return String(unsafeUninitializedCapacity: 36) { out in
            var i = 0
            func put(_ value: UInt64, nibbles: Int) {
                var n = nibbles - 1
                while n >= 0 {
                    out[i] = hexDigits[Int((value >> (UInt64(n) * 4)) & 0xF)]
                    i += 1
                    n -= 1
                }
            }
            put(high >> 32, nibbles: 8)
            out[i] = 0x2D
            i += 1
            put((high >> 16) & 0xFFFF, nibbles: 4)
            out[i] = 0x2D
            i += 1
            put(high & 0xFFFF, nibbles: 4)
            out[i] = 0x2D
            i += 1
            put(low >> 48, nibbles: 4)
            out[i] = 0x2D
            i += 1
            put(low & 0xFFFF_FFFF_FFFF, nibbles: 12)
            return i
        }
    }

    private static func splitMix(_ s: inout UInt64) -> UInt64 {
        s &+= 0x9E37_79B9_7F4A_7C15
        var z = s
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
