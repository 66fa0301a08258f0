import Calls
import Curl
import Foundation
import Logging

/// Login state against the NFON CTI API: tokens, their expiry, refresh.
///
/// `POST /login` with the credentials gives an access and a refresh token;
/// `PUT /login` with the refresh token as bearer renews them. The access
/// token is renewed before its JWT `exp` (else 5 minutes after issue); a
/// failed refresh falls back to a new login.
actor NFONSession {
    struct LoginError: Error, CustomStringConvertible {
        var status: Int?
        var message: String
        var description: String { status.map { "login failed with HTTP \($0): \(message)" } ?? "login failed: \(message)" }
    }

    private let options: NFONOptions
    private let client: HTTPClient
    private let logger: Logger
    private var access: String?
    private var refresh: String?
    /// When the access token expires, on the clock's monotonic time
    /// (nanoseconds): the JWT's `exp` is wall time, turned into a deadline
    /// once when the token arrives, so a wall-clock step changes nothing.
    private var expires: Int64 = .min
    private let clock: PipelineClock

    init(options: NFONOptions, client: HTTPClient, logger: Logger, clock: PipelineClock = .system) {
        self.options = options
        self.client = client
        self.logger = logger
        self.clock = clock
    }

    /// A valid access token, logging in or refreshing as needed. Callers
    /// that ask while a login or refresh is under way share its result, so
    /// the streams, the directory and the refresh timer never log in twice.
    func accessToken() async throws -> String {
        if let access, let left = secondsLeft, left > 30 { return access }
        if let inFlight { return try await inFlight.value }
        let task = Task { try await self.obtain() }
        inFlight = task
        defer { inFlight = nil }
        return try await task.value
    }

    private var inFlight: Task<String, any Error>?

    private func obtain() async throws -> String {
        if refresh != nil {
            do {
                return try await renew()
            } catch {
                logger.notice("token refresh failed; logging in again", metadata: ["error": "\(error)"])
            }
        }
        return try await login()
    }

    /// Forget the access token (after a 401), so the next call renews it.
    func invalidate() { expires = .min }

    /// Seconds until the current access token expires; nil before login.
    var secondsLeft: Int64? {
        guard access != nil, expires != .min else { return access == nil ? nil : 0 }
        return (expires - clock.monotonicNanoseconds()) / 1_000_000_000
    }

    private func login() async throws -> String {
        let body = try JSONSerialization.data(withJSONObject: ["username": options.username, "password": options.password])
        let response = try await client.execute(
            HTTPRequest(
                method: "POST", url: options.baseURL + "/login",
                headers: [
                    ("Content-Type", "application/json"), ("Accept", "application/json"), ("User-Agent", options.userAgent),
                ],
                body: Array(body)))
        return try accept(response, what: "login")
    }

    private func renew() async throws -> String {
        guard let refresh else { throw LoginError(status: nil, message: "no refresh token") }
        let response = try await client.execute(
            HTTPRequest(
                method: "PUT", url: options.baseURL + "/login",
                headers: [
                    ("Authorization", "Bearer \(refresh)"), ("Accept", "application/json"), ("User-Agent", options.userAgent),
                ]))
        return try accept(response, what: "refresh")
    }

    private func accept(_ response: HTTPResponse, what: String) throws -> String {
        guard response.status == 200 else {
            access = nil
            if what == "refresh" { refresh = nil }
            throw LoginError(status: response.status, message: "the \(what) was refused")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
            let a = object["access-token"] as? String, let r = object["refresh-token"] as? String
        else { throw LoginError(status: response.status, message: "the \(what) answer has no access-token/refresh-token") }
        access = a
        refresh = r
        // Bounded to a year: an `exp` in milliseconds or far in the future
        // must not overflow the arithmetic below.
        let lifetime = Self.jwtExpiry(a).map { max(-86_400, min($0 &- clock.wallTime().epochSeconds, 86_400 * 365)) } ?? 300
        expires = clock.monotonicNanoseconds() + lifetime * 1_000_000_000
        logger.debug("\(what) succeeded", metadata: ["expires_in_s": "\(lifetime)"])
        return a
    }

    /// The `exp` claim of a JWT, if it has one.
    static func jwtExpiry(_ token: String) -> Int64? {
        let parts = token.split(separator: ".")
        guard parts.count >= 2 else { return nil }
        var b64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        if let n = object["exp"] as? NSNumber { return n.int64Value }
        return nil
    }
}
