/// The bearer-token check of one group of endpoints (runtime.md, "Server").
///
/// - no token configured: the endpoints do not exist (404);
/// - the token, as `Authorization: Bearer TOKEN` or (where the endpoint
///   allows it) as a query parameter: allowed;
/// - anything else: 401 with `WWW-Authenticate: Bearer`.
///
/// Tokens are compared in constant time, and never logged: callers log the
/// verdict only.
public struct BearerAuth: Sendable {
    public enum Verdict: Sendable, Equatable {
        /// The token matched; `viaQuery` when it came as a query parameter.
        case allowed(viaQuery: Bool)
        /// No token is configured: answer 404.
        case notConfigured
        /// Missing or wrong token: answer 401.
        case unauthorized
    }

    let token: [UInt8]?

    public init(token: String?) {
        self.token = token.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
    }

    public var isConfigured: Bool { token != nil }

    /// Checks the `Authorization` header value, then the query token (pass
    /// nil where the endpoint takes no query token).
    public func check(authorization: String?, queryToken: String?) -> Verdict {
        guard let token else { return .notConfigured }
        if let authorization, let given = Self.bearer(authorization) {
            return Self.equal(Array(given.utf8), token) ? .allowed(viaQuery: false) : .unauthorized
        }
        if let queryToken, Self.equal(Array(queryToken.utf8), token) { return .allowed(viaQuery: true) }
        return .unauthorized
    }

    /// The credentials of a `Bearer` authorization (scheme case-insensitive).
    static func bearer(_ header: String) -> Substring? {
        let trimmed = header.drop { $0 == " " }
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return nil }
        return trimmed.dropFirst(7).drop { $0 == " " }
    }

    /// Compares in time that depends on the lengths only, never on where the
    /// first difference is.
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var diff = UInt8(a.count == b.count ? 0 : 1)
        let n = max(a.count, b.count)
        for i in 0..<n {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            diff |= x ^ y
        }
        return diff == 0
    }
}
