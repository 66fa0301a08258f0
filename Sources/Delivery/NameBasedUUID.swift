import COpenSSL

/// A UUID derived from a name (RFC 9562 version 8, name-based with
/// SHA-256): the first 16 bytes of SHA-256(namespace ‖ name) with the
/// version and variant bits set. The same name always gives the same UUID.
public enum NameBasedUUID {
    /// callhook's namespace for delivery ids (a fixed random UUID).
    static let namespace: [UInt8] = [
        0x6b, 0x1f, 0x3c, 0x9e, 0x52, 0x7a, 0x4d, 0x0b, 0x9c, 0x2e, 0x81, 0x47, 0xd3, 0x60, 0xa5, 0x18,
    ]

    public static func make(_ name: String) -> String {
        var bytes = sha256(namespace + Array(name.utf8))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes[0..<16].map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined()
        let c = Array(hex)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-\(String(c[12..<16]))-\(String(c[16..<20]))-\(String(c[20..<32]))"
    }

    static func sha256(_ message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        message.withUnsafeBufferPointer { m in
            _ = EVP_Digest(m.baseAddress, m.count, &out, &length, EVP_sha256(), nil)
        }
        return out
    }
}
