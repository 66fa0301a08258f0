import COpenSSL

/// HMAC-SHA256 from OpenSSL's libcrypto and a constant-time comparison, for
/// agent tokens.
///
/// A small copy of `Delivery.HMACSHA256`: Agents must not depend on
/// Delivery (which pulls in the queue, GRDB and libcurl), and the type is
/// internal here so a module importing both never sees two public names.
enum AgentMAC {
    static func authenticationCode(key: [UInt8], message: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        key.withUnsafeBytes { k in
            message.withUnsafeBufferPointer { m in
                _ = HMAC(EVP_sha256(), k.baseAddress, Int32(k.count), m.baseAddress, m.count, &out, &length)
            }
        }
        return out
    }

    /// Compares without revealing where two values first differ: every byte
    /// is looked at whatever the earlier ones were. Only the length (which
    /// is public: a MAC is always 32 bytes) may end it early.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        if a.isEmpty { return true }
        return CRYPTO_memcmp(a, b, a.count) == 0
    }
}
