import Calls
import Foundation

/// An agent token's claims, and issuing and verifying its signed form.
///
/// Form: `cha1.` + base64url(JSON payload) + `.` + base64url(MAC), where
/// the MAC is HMAC-SHA256 with `server.agent_secret` over everything before
/// the second dot (`cha1.PAYLOAD`), compared in constant time. The payload
/// is `{"customer":"K1234","exp":1767225600,"extensions":["100","101"]}`
/// (`customer` optional, `exp` in Unix seconds). Tokens are stateless: to
/// revoke all of them, change the secret.
public struct AgentToken: Sendable, Hashable {
    /// The K-account; nil: the extensions in any customer.
    public var customer: String?
    /// Sorted, without duplicates; 1 … `maxExtensions`.
    public var extensions: [String]
    /// Whole seconds; the token is refused from this instant on.
    public var expires: EventTime

    public static let prefix = "cha1."
    /// Longer tokens are refused before any work is done.
    public static let maxLength = 4096
    public static let maxExtensions = 100
    /// Longest customer or extension name.
    public static let maxNameLength = 64

    public init(customer: String?, extensions: [String], expires: EventTime) {
        self.customer = customer
        self.extensions = Array(Set(extensions)).sorted()
        self.expires = EventTime(nanoseconds: expires.epochSeconds * 1_000_000_000)
    }

    /// What the token lets its holder see.
    public var scope: AgentScope { AgentScope(customer: customer, extensions: Set(extensions)) }

    /// Issues a token valid for `ttl` from `now`.
    public static func issue(
        customer: String?, extensions: [String], ttl: Duration, now: EventTime, secret: String
    ) throws(AgentTokenError) -> String {
        guard ttl > .zero else { throw .invalidClaims("the time to live must be positive") }
        return try AgentToken(customer: customer, extensions: extensions, expires: now + ttl).signed(secret: secret)
    }

    /// The signed form. Refuses an empty secret and out-of-bounds claims.
    public func signed(secret: String) throws(AgentTokenError) -> String {
        guard !secret.isEmpty else { throw .noSecret }
        if let problem = Self.problem(customer: customer, extensions: extensions) { throw .invalidClaims(problem) }
        let payload = Payload(customer: customer, exp: expires.epochSeconds, extensions: extensions)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let json = try? encoder.encode(payload) else { throw .invalidClaims("the claims cannot be encoded") }
        let input = Self.prefix + Base64URL.encode(Array(json))
        let mac = AgentMAC.authenticationCode(key: Array(secret.utf8), message: Array(input.utf8))
        let token = input + "." + Base64URL.encode(mac)
        guard token.utf8.count <= Self.maxLength else { throw .invalidClaims("too many or too long names for one token") }
        return token
    }

    /// Checks a token (as sent, or nil when none was sent): form and size,
    /// then the MAC, then the claims, then the expiry against `now`.
    public static func verify(_ text: String?, secret: String, now: EventTime) throws(AgentTokenError) -> AgentToken {
        guard !secret.isEmpty else { throw .noSecret }
        guard let text, !text.isEmpty else { throw .missing }
        guard text.utf8.count <= maxLength else { throw .malformed("longer than \(maxLength) bytes") }
        guard text.hasPrefix(prefix) else { throw .malformed("it does not start with '\(prefix)'") }
        let parts = text.dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw .malformed("expected two dot-separated parts after the prefix") }
        guard let payloadBytes = Base64URL.decode(parts[0]), let mac = Base64URL.decode(parts[1]) else {
            throw .malformed("not base64url")
        }
        guard mac.count == 32 else { throw .malformed("the signature has the wrong length") }
        let input = Array(text.utf8.prefix(prefix.utf8.count + parts[0].utf8.count))
        let expected = AgentMAC.authenticationCode(key: Array(secret.utf8), message: input)
        guard AgentMAC.constantTimeEqual(expected, mac) else { throw .forged }
        guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(payloadBytes)) else {
            throw .malformed("the payload is not the expected JSON")
        }
        if let problem = problem(customer: payload.customer, extensions: payload.extensions) { throw .malformed(problem) }
        guard payload.exp <= Int64.max / 1_000_000_000, payload.exp >= 0 else { throw .malformed("the expiry is out of range") }
        let token = AgentToken(
            customer: payload.customer, extensions: payload.extensions,
            expires: EventTime(nanoseconds: payload.exp * 1_000_000_000))
        guard now < token.expires else { throw .expired(at: token.expires) }
        return token
    }

    /// The token a request carries: `Authorization: Bearer T` wins over
    /// `?access_token=T`. nil when neither is there.
    public static func fromRequest(authorization: String?, accessToken: String?) -> String? {
        if let authorization {
            let trimmed = authorization.trimmingCharacters(in: .whitespaces)
            if trimmed.lowercased().hasPrefix("bearer ") {
                let value = trimmed.dropFirst("bearer ".count).trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { return value }
            }
        }
        if let accessToken, !accessToken.isEmpty { return accessToken }
        return nil
    }

    /// The problem with a set of claims, or nil when they are in bounds.
    static func problem(customer: String?, extensions: [String]) -> String? {
        if extensions.isEmpty { return "name at least one extension" }
        if extensions.count > maxExtensions { return "at most \(maxExtensions) extensions per token" }
        if let customer, !isName(customer) { return "the customer must be 1-\(maxNameLength) letters, digits or -_.+*#" }
        if let bad = extensions.first(where: { !isName($0) }) {
            return "extension '\(bad.prefix(maxNameLength))' must be 1-\(maxNameLength) letters, digits or -_.+*#"
        }
        return nil
    }

    private static func isName(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= maxNameLength else { return false }
        return s.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == 0x2D || b == 0x5F || b == 0x2E || b == 0x2B || b == 0x2A || b == 0x23
        }
    }

    private struct Payload: Codable {
        var customer: String?
        var exp: Int64
        var extensions: [String]
    }
}
