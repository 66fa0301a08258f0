import Curl
import Delivery
import RuleEngine
import Testing

/// The one retry decision, `RetryPolicy.outcome(of:attempt:nowEpochMillis:random:)`.
@Suite struct RetryDecisionTests {
    let policy = RetryPolicy(settings: RetrySettings())
    let now: Int64 = 1_767_225_600_000

    func failure(_ kind: HTTPClientError.Kind, _ code: Int, _ message: String) -> Result<HTTPResponse, HTTPClientError> {
        .failure(HTTPClientError(kind: kind, code: code, message: message))
    }

    func response(_ status: Int, _ headers: [(name: String, value: String)] = []) -> Result<HTTPResponse, HTTPClientError> {
        .success(HTTPResponse(status: status, headers: headers, body: []))
    }

    @Test func aTLSHandshakeResetIsRetriedLikeARefusedConnection() {
        let refused = policy.outcome(
            of: failure(.connect, 7, "Failed to connect to 127.0.0.1 port 9: Connection refused"), attempt: 1,
            nowEpochMillis: now, random: 0.5)
        let reset = policy.outcome(
            of: failure(.tls, 35, "OpenSSL SSL_connect: Connection reset by peer"), attempt: 1, nowEpochMillis: now,
            random: 0.5)
        // Attempt 2 waits initial (1 s) jittered by 0.5 → 750 ms.
        #expect(refused.verdict == .retry(at: now + 750))
        #expect(reset.verdict == refused.verdict)
        #expect(reset.breaker == .failure && refused.breaker == .failure)
    }

    @Test func anUntrustedCertificateIsRetriedAndTheAttemptSaysWhy() {
        let o = policy.outcome(
            of: failure(.tls, 60, "SSL certificate problem: self-signed certificate"), attempt: 3, nowEpochMillis: now,
            random: 0)
        #expect(o.verdict == .retry(at: now + 2000))
        #expect(o.error == "tls: SSL certificate problem: self-signed certificate")
        #expect(o.status == nil)
    }

    @Test func everyTransportErrorKindHasItsDocumentedHandling() {
        let expected: [(HTTPClientError.Kind, RetryPolicy.ErrorHandling)] = [
            (.timeout, .retry), (.connect, .retry), (.tls, .retry), (.transport, .retry), (.invalidRequest, .dead),
            (.cancelled, .notAnAttempt), (.shutdown, .notAnAttempt),
        ]
        for (kind, handling) in expected { #expect(RetryPolicy.handling(of: kind) == handling, "\(kind)") }
    }

    @Test func aRequestCutOffAtShutdownIsNotAnAttempt() {
        let o = policy.outcome(of: failure(.shutdown, 0, "client shut down"), attempt: 1, nowEpochMillis: now, random: 0)
        #expect(o.verdict == .notAnAttempt && o.breaker == .nothing)
    }

    @Test func aMalformedRequestIsDeadAtOnceWithoutBlamingTheTarget() {
        let o = policy.outcome(
            of: failure(.invalidRequest, 3, "URL using bad/illegal format"), attempt: 1, nowEpochMillis: now, random: 0)
        #expect(o.verdict == .dead(reason: "invalidRequest: URL using bad/illegal format"))
        #expect(o.breaker == .nothing)
    }

    @Test func aClientErrorStatusIsDeadButTheTargetAnswered() {
        let o = policy.outcome(of: response(404), attempt: 1, nowEpochMillis: now, random: 0)
        #expect(o.verdict == .dead(reason: "HTTP 404 is not retried"))
        #expect(o.breaker == .success && o.status == 404)
    }

    @Test func aRetryAfterLongerThanTheBackoffIsHonoured() {
        let o = policy.outcome(of: response(503, [("Retry-After", "120")]), attempt: 1, nowEpochMillis: now, random: 0.5)
        #expect(o.verdict == .retry(at: now + 120_000))
        #expect(o.breaker == .failure)
    }

    /// The jitter comes from the system's random source (a system call):
    /// a success, a final answer and a last attempt do not ask for it.
    @Test func onlyARetryAsksForTheJitter() {
        var asked = 0
        func jitter() -> Double {
            asked += 1
            return 0.5
        }
        _ = policy.outcome(of: response(204, [("Retry-After", "120")]), attempt: 1, nowEpochMillis: now, random: jitter())
        _ = policy.outcome(of: response(404), attempt: 1, nowEpochMillis: now, random: jitter())
        _ = policy.outcome(of: response(500), attempt: 12, nowEpochMillis: now, random: jitter())
        #expect(asked == 0)
        let retry = policy.outcome(of: response(500), attempt: 1, nowEpochMillis: now, random: jitter())
        #expect(asked == 1)
        #expect(retry.verdict == .retry(at: now + 750))
    }

    @Test func theLastAttemptIsDead() {
        let o = policy.outcome(of: response(500), attempt: 12, nowEpochMillis: now, random: 0.5)
        #expect(o.verdict == .dead(reason: "gave up after 12 attempts"))
        #expect(o.breaker == .failure)
    }

    @Test func aSuccessIsDelivered() {
        let o = policy.outcome(of: response(204), attempt: 1, nowEpochMillis: now, random: 0.5)
        #expect(o.verdict == .delivered && o.breaker == .success)
    }
}
