import Calls
import Curl
import Logging
import RuleEngine

extension Dispatcher {
    /// Starts one attempt. Requests without `call.vars` go out at once from
    /// the loop; the others first read the call's captured values.
    func begin(_ d: Delivery, target: Target, group: inout DiscardingTaskGroup) {
        guard d.usesCallVars else {
            fire(d, target: target, values: [:])
            return
        }
        group.addTask {
            do {
                let values = try await self.store.callVars(callID: d.callID)
                self.fire(d, target: target, values: values)
            } catch {
                // Never send with empty values: a failed attempt, retried.
                self.post(
                    Finished(
                        delivery: d, attempt: d.attempts + 1, startedAt: Self.epochMillis(), durationSeconds: 0,
                        result: .failure(
                            HTTPClientError(
                                kind: .transport, message: "cannot read the call's captured values (call.vars): \(error)"))))
            }
        }
    }

    /// Adds the delivery headers and the signature, fills in `call.vars`,
    /// and hands the request to the client; the result comes back through
    /// the inbox.
    private func fire(_ d: Delivery, target: Target, values: [String: String]) {
        let attempt = d.attempts + 1
        var url = d.url
        var headers = d.headers
        var body = d.body
        if d.usesCallVars {
            url = CallVars.substitute(url, values: values, escaping: .url)
            headers = headers.map { ($0.name, CallVars.substitute($0.value, values: values, escaping: .header)) }
            body = body.map {
                Array(CallVars.substitute(String(decoding: $0, as: UTF8.self), values: values, escaping: d.bodyEscaping).utf8)
            }
        }
        headers.append(("Idempotency-Key", d.id))
        headers.append(("User-Agent", "callhook/\(version)"))
        headers.append(("X-Callhook-Attempt", String(attempt)))
        if let secret = target.signingSecret, !secret.isEmpty {
            let timestamp = WallClock.now().epochSeconds
            headers.append(contentsOf: WebhookSignature(secret: secret).headers(id: d.id, timestamp: timestamp, body: body ?? []))
        }
        let request = HTTPRequest(
            method: d.method, url: url, headers: headers, body: body, timeout: target.timeout,
            connectTimeout: target.connectTimeout, maxResponseBytes: Attempt.responseLimit,
            tls: TLSOptions(verify: target.tlsVerify, caFile: target.caFile))
        let startedAt = Self.epochMillis()
        let clock = ContinuousClock.now
        let key = d.seq ?? -1
        let handle = client.send(request) { result in
            let elapsed = ContinuousClock.now - clock
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            self.inFlightHandles.withLock { $0.finished(key) }
            self.post(Finished(delivery: d, attempt: attempt, startedAt: startedAt, durationSeconds: seconds, result: result))
        }
        inFlightHandles.withLock { $0.started(key, handle) }
    }

    /// Applies one attempt's result: `RetryPolicy` decides, the outcome is
    /// written with the next commit.
    func settle(_ f: Finished, _ s: inout DispatchState, nowEpoch: Int64, nowMono: Int64, targets: [String: Target]) {
        let d = f.delivery
        s.inFlight -= 1
        s.unload(d)
        s.dirty = true
        // The delivery's log lines carry its id, rule, target, call and attempt.
        var log: Logger {
            var l = logger
            l[metadataKey: "delivery.id"] = "\(d.id)"
            l[metadataKey: "rule"] = "\(d.rule)"
            l[metadataKey: "target"] = "\(d.target)"
            l[metadataKey: "call.id"] = "\(d.callID)"
            l[metadataKey: "attempt"] = "\(f.attempt)"
            return l
        }

        let policy = RetryPolicy(settings: targets[d.target]?.retry ?? RetrySettings())
        let random = Double.random(in: 0..<1)
        let decision: RetryPolicy.Decision
        let failed: Bool?
        var status: Int?
        var error: String?
        var response: [UInt8] = []
        switch f.result {
        case .success(let r):
            status = r.status
            response = r.body
            let retryAfter = r.header("Retry-After").flatMap {
                RetryPolicy.parseRetryAfter($0, nowEpochSeconds: nowEpoch / 1000)
            }
            decision = policy.decide(attempt: f.attempt, status: r.status, retryAfter: retryAfter, random: random)
            failed = RetryPolicy.isRetryable(status: r.status)
        case .failure(let e) where e.kind == .cancelled || e.kind == .shutdown:
            // Cut off at shutdown: not an attempt; the delivery stays queued.
            s.gates[d.target]?.finished(failed: nil, now: nowMono)
            log.info("attempt cancelled at shutdown; the delivery stays queued")
            return
        case .failure(let e):
            error = e.description
            decision =
                e.isRetryable
                ? policy.decide(attempt: f.attempt, status: nil, retryAfter: nil, random: random) : .dead(reason: e.description)
            failed = e.isRetryable ? true : nil
        }
        if s.gates[d.target]?.finished(failed: failed, now: nowMono) == true {
            log.warning("target paused after 5 consecutive failures; one request will probe it in 30 s")
        }

        var outcome = StoreBatch.Outcome(
            id: d.id, seq: d.seq, status: .pending, attempts: f.attempt, nextAttemptAt: nowEpoch, lastStatus: status,
            lastError: error,
            finishedAt: nil,
            attempt: Attempt(
                number: f.attempt, startedAt: f.startedAt, durationSeconds: f.durationSeconds, status: status, error: error,
                response: response))
        let statusText = status.map(String.init) ?? "none"
        stats.attemptCount.add(1, ordering: .relaxed)
        switch decision {
        case .delivered:
            outcome.status = .delivered
            outcome.finishedAt = nowEpoch
            s.metrics.attempt(target: d.target, result: "success", seconds: f.durationSeconds)
            s.metrics.delivery(target: d.target, outcome: .delivered)
            s.metrics.eventToDelivery(nanoseconds: nowEpoch * 1_000_000 - d.eventTime)
            stats.deliveredCount.add(1, ordering: .relaxed)
            stats.pendingCount.subtract(1, ordering: .relaxed)
            if !d.capture.isEmpty && !d.callID.isEmpty {
                for (name, value) in ResponseCapture.values(d.capture, from: response) {
                    s.unwritten.callVars.append((d.callID, name, value))
                }
            }
            if logger.logLevel <= .debug {
                log.debug("delivered", metadata: ["status": "\(statusText)", "seconds": "\(f.durationSeconds)"])
            }
        case .dead(let reason):
            outcome.status = .dead
            outcome.finishedAt = nowEpoch
            outcome.lastError = error ?? reason
            s.metrics.attempt(target: d.target, result: "fail", seconds: f.durationSeconds)
            s.metrics.delivery(target: d.target, outcome: .dead)
            stats.deadCount.add(1, ordering: .relaxed)
            stats.pendingCount.subtract(1, ordering: .relaxed)
            log.warning("delivery is dead", metadata: ["status": "\(statusText)", "reason": "\(reason)"])
        case .retry(let after):
            let ms = after.components.seconds * 1000 + after.components.attoseconds / 1_000_000_000_000_000
            outcome.nextAttemptAt = nowEpoch + ms
            s.nextDue = min(s.nextDue ?? .max, outcome.nextAttemptAt)
            s.metrics.attempt(target: d.target, result: "retry", seconds: f.durationSeconds)
            log.info(
                "attempt failed; will retry",
                metadata: ["status": "\(statusText)", "error": "\(error ?? "")", "retry_in_ms": "\(ms)"])
        }
        s.unwritten.outcomes.append(outcome)
    }
}
