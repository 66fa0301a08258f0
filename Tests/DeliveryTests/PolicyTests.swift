import Curl
import Delivery
import RuleEngine
import Testing

@Suite struct CircuitBreakerTests {
    @Test func pausesAfterFiveFailuresThenProbesOnce() {
        var b = CircuitBreaker()
        for i in 1...4 { let v1 = b.recordFailure(now: Int64(i)); #expect(!v1) }
        let v2 = b.recordFailure(now: 10)
        #expect(v2)
        #expect(b.pausedUntil == 10 + CircuitBreaker.pause)
        let v3 = b.allowStart(now: 10 + CircuitBreaker.pause - 1)
        #expect(!v3)
        let v4 = b.allowStart(now: 10 + CircuitBreaker.pause)
        #expect(v4)
        // Only one probe at a time.
        let v5 = b.allowStart(now: 10 + CircuitBreaker.pause + 1)
        #expect(!v5)
        // A failed probe pauses again.
        let v6 = b.recordFailure(now: 100_000_000_000)
        #expect(v6)
        #expect(b.pausedUntil == 100_000_000_000 + CircuitBreaker.pause)
        let v7 = b.allowStart(now: 200_000_000_000)
        #expect(v7)
        b.recordSuccess()
        #expect(b.state == .closed)
        #expect(b.consecutiveFailures == 0)
    }

    @Test func successResetsTheCount() {
        var b = CircuitBreaker()
        for i in 1...4 { b.recordFailure(now: Int64(i)) }
        b.recordSuccess()
        for i in 1...4 { let v8 = b.recordFailure(now: Int64(i)); #expect(!v8) }
        #expect(b.state == .closed)
    }

    @Test func anAbandonedProbeIsTriedAgain() {
        var b = CircuitBreaker()
        for i in 1...5 { b.recordFailure(now: Int64(i)) }
        let v9 = b.allowStart(now: CircuitBreaker.pause + 10)
        #expect(v9)
        b.recordNothing(now: CircuitBreaker.pause + 20)
        let v10 = b.allowStart(now: CircuitBreaker.pause + 20)
        #expect(v10)
    }
}

@Suite struct TargetGateTests {
    @Test func concurrencyLimit() {
        var g = TargetGate(concurrency: 2, ratePerSecond: nil)
        let v11 = g.tryStart(now: 0)
        #expect(v11 == .start)
        let v12 = g.tryStart(now: 0)
        #expect(v12 == .start)
        let v13 = g.tryStart(now: 0)
        #expect(v13 == .full)
        g.finished(failed: false, now: 1)
        let v14 = g.tryStart(now: 1)
        #expect(v14 == .start)
    }

    @Test func rateLimitSpacesRequests() {
        // 2/s with a bucket of 2: two at once, then one every 500 ms.
        var g = TargetGate(concurrency: 100, ratePerSecond: 2)
        let v15 = g.tryStart(now: 0)
        #expect(v15 == .start)
        let v16 = g.tryStart(now: 0)
        #expect(v16 == .start)
        guard case .wait(let until) = g.tryStart(now: 0) else {
            Issue.record("expected to wait")
            return
        }
        #expect(until == 500_000_000)
        let v17 = g.tryStart(now: until)
        #expect(v17 == .start)
    }

    @Test func pausedTargetWaitsForTheBreaker() {
        var g = TargetGate(concurrency: 10, ratePerSecond: nil)
        for _ in 0..<5 {
            let v18 = g.tryStart(now: 0)
            #expect(v18 == .start)
        }
        var paused = false
        for _ in 0..<5 { paused = g.finished(failed: true, now: 0) || paused }
        #expect(paused)
        let v19 = g.tryStart(now: 1) == .wait(until: CircuitBreaker.pause)
        #expect(v19)
        let v20 = g.tryStart(now: CircuitBreaker.pause)
        #expect(v20 == .start)
        let v21 = g.tryStart(now: CircuitBreaker.pause)
        #expect(v21 == .full)
    }
}

@Suite struct RetryPolicyTests {
    let policy: RetryPolicy = {
        var s = RetrySettings()
        s.attempts = 4
        s.initial = .seconds(1)
        s.factor = 2
        s.max = .seconds(3)
        return RetryPolicy(settings: s)
    }()

    @Test func classifiesStatuses() {
        #expect(policy.decide(attempt: 1, status: 204, retryAfter: nil, random: 0) == .delivered)
        for dead in [400, 401, 404, 410, 301, 302, 422] {
            guard case .dead = policy.decide(attempt: 1, status: dead, retryAfter: nil, random: 0) else {
                Issue.record("\(dead) should be dead")
                continue
            }
        }
        for retried in [408, 425, 429, 500, 502, 503, 504] {
            guard case .retry = policy.decide(attempt: 1, status: retried, retryAfter: nil, random: 0) else {
                Issue.record("\(retried) should be retried")
                continue
            }
        }
        guard case .retry = policy.decide(attempt: 1, status: nil, retryAfter: nil, random: 0) else {
            Issue.record("a connection error should be retried")
            return
        }
    }

    @Test func backoffIsJitteredAndCapped() {
        // Attempt 2 waits initial (1 s), jittered to [0.5 s, 1 s].
        #expect(policy.decide(attempt: 1, status: 503, retryAfter: nil, random: 0) == .retry(after: .milliseconds(500)))
        #expect(policy.decide(attempt: 1, status: 503, retryAfter: nil, random: 0.999_999) < .retry(after: .seconds(1.0001)))
        // Attempt 3: 2 s; attempt 4: 4 s capped at 3 s.
        #expect(policy.decide(attempt: 2, status: 503, retryAfter: nil, random: 0) == .retry(after: .seconds(1)))
        #expect(policy.decide(attempt: 3, status: 503, retryAfter: nil, random: 0) == .retry(after: .milliseconds(1500)))
        guard case .dead = policy.decide(attempt: 4, status: 503, retryAfter: nil, random: 0) else {
            Issue.record("out of attempts should be dead")
            return
        }
    }

    @Test func retryAfterInBothForms() {
        #expect(RetryPolicy.parseRetryAfter("120", nowEpochSeconds: 0) == .seconds(120))
        // Sun, 06 Nov 1994 08:49:37 GMT = 784111777
        #expect(RetryPolicy.parseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", nowEpochSeconds: 784_111_767) == .seconds(10))
        #expect(RetryPolicy.parseRetryAfter("soon", nowEpochSeconds: 0) == nil)
        // A longer Retry-After wins over the backoff.
        #expect(policy.decide(attempt: 1, status: 503, retryAfter: .seconds(7), random: 0) == .retry(after: .seconds(7)))
    }

    /// A far-future Retry-After ("never") counts as 7 days, and an absurd
    /// date is no date: the arithmetic behind either used to overflow.
    @Test func aRetryAfterFarAwayIsSevenDaysAndAnAbsurdDateIsIgnored() {
        let now: Int64 = 1_764_000_000
        #expect(RetryPolicy.parseRetryAfter("Fri, 31 Dec 9999 23:59:59 GMT", nowEpochSeconds: now) == .seconds(604_800))
        #expect(RetryPolicy.parseRetryAfter("9300000000", nowEpochSeconds: now) == .seconds(604_800))
        #expect(RetryPolicy.parseRetryAfter("604799", nowEpochSeconds: now) == .seconds(604_799))
        for absurd in [
            "Fri, 31 Dec 99999999999999999 23:59:59 GMT", "Fri, 31 Dec 2026 99999999999:0:0 GMT",
            "Fri, 99 Dec 2026 23:59:59 GMT", "Fri, 31 Dec 1900 23:59:59 GMT",
        ] {
            #expect(RetryPolicy.parseRetryAfter(absurd, nowEpochSeconds: now) == nil, "\(absurd)")
        }
        let o = policy.outcome(
            of: .success(HTTPResponse(status: 503, headers: [("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT")], body: [])),
            attempt: 1, nowEpochMillis: now * 1000, random: 0.5)
        #expect(o.verdict == .retry(at: now * 1000 + 604_800_000))
    }
}

extension RetryPolicy.Decision: Comparable {
    public static func < (a: Self, b: Self) -> Bool {
        if case .retry(let x) = a, case .retry(let y) = b { return x < y }
        return false
    }
}
