import Foundation

/// Standard Webhooks signing (https://www.standardwebhooks.com): the
/// `webhook-id`, `webhook-timestamp` and `webhook-signature` headers.
public struct WebhookSignature: Sendable {
    let key: [UInt8]

    /// `secret` is `whsec_` followed by base64, as the reference libraries
    /// take it; a secret that is not base64 is used as its UTF-8 bytes.
    public init(secret: String) {
        let trimmed = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        if let decoded = Data(base64Encoded: trimmed), !decoded.isEmpty {
            key = [UInt8](decoded)
        } else {
            key = Array(secret.utf8)
        }
    }

    /// `v1,` + base64 of HMAC-SHA256 over `id.timestamp.body`.
    public func signature(id: String, timestamp: Int64, body: [UInt8]) -> String {
        var message = Array("\(id).\(timestamp).".utf8)
        message.append(contentsOf: body)
        let mac = HMACSHA256.authenticationCode(key: key, message: message)
        return "v1," + Data(mac).base64EncodedString()
    }

    /// The three headers for one attempt.
    public func headers(id: String, timestamp: Int64, body: [UInt8]) -> [(name: String, value: String)] {
        [
            ("webhook-id", id), ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", signature(id: id, timestamp: timestamp, body: body)),
        ]
    }
}
