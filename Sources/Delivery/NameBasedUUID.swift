import COpenSSL

/// A UUID derived from a name (RFC 9562 version 8, name-based with
/// SHA-256): the first 16 bytes of SHA-256(namespace ‖ name) with the
/// version and variant bits set. The same name always gives the same UUID.
public enum NameBasedUUID {
    /// callhook's namespace for delivery ids (a fixed random UUID).
    static let namespace: [UInt8] = [
        0x6b, 0x1f, 0x3c, 0x9e, 0x52, 0x7a, 0x4d, 0x0b, 0x9c, 0x2e, 0x81, 0x47, 0xd3, 0x60, 0xa5, 0x18,
    ]

    /// SHA-256 fetched from libcrypto once: with the legacy `EVP_sha256()`
    /// every digest looks the algorithm up again.
    private struct Digest: @unchecked Sendable {
        // An EVP_MD is immutable once fetched and may be shared by threads.
        let md: OpaquePointer?
    }
    private static let digest = Digest(md: EVP_MD_fetch(nil, "SHA256", nil))

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    public static func make(_ name: String) -> String {
        var name = name
        return name.withUTF8 { make(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// The UUID of a name given as its UTF-8 bytes.
    public static func make(bytes text: UnsafeRawBufferPointer) -> String {
        let count = namespace.count + text.count
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: count + 32) { buffer in
            let message = UnsafeMutableBufferPointer(rebasing: buffer[..<count])
            _ = UnsafeMutableBufferPointer(rebasing: message[..<namespace.count]).initialize(from: namespace)
            if let base = text.baseAddress {
                UnsafeMutableRawPointer(message.baseAddress! + namespace.count).copyMemory(from: base, byteCount: text.count)
            }
            let hash = UnsafeMutableBufferPointer(rebasing: buffer[count...])
            var length: UInt32 = 0
            _ = EVP_Digest(message.baseAddress, count, hash.baseAddress, &length, digest.md ?? EVP_sha256(), nil)
            hash[6] = (hash[6] & 0x0F) | 0x80
            hash[8] = (hash[8] & 0x3F) | 0x80
            return String(unsafeUninitializedCapacity: 36) { out in
                var n = 0
                for i in 0..<16 {
                    if i == 4 || i == 6 || i == 8 || i == 10 {
                        out[n] = UInt8(ascii: "-")
                        n += 1
                    }
                    out[n] = hexDigits[Int(hash[i] >> 4)]
                    out[n + 1] = hexDigits[Int(hash[i] & 0x0F)]
                    n += 2
                }
                return n
            }
        }
    }
}
