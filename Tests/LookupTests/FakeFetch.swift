import Curl
import Lookup
import MetricsTestKit
import Synchronization

/// A lookup service stand-in for unit tests: records requests, answers with
/// `answer`, and can hold every request until `release()`.
final class FakeFetch: Sendable {
    private struct State {
        var requests: [HTTPRequest] = []
        var holding: Bool
        var held: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>
    private let answer: @Sendable (HTTPRequest) throws -> HTTPResponse

    init(hold: Bool = false, answer: @escaping @Sendable (HTTPRequest) throws -> HTTPResponse) {
        state = Mutex(State(holding: hold))
        self.answer = answer
    }

    /// Answers every request with `body` and `status`.
    convenience init(hold: Bool = false, status: Int = 200, body: String) {
        self.init(hold: hold) { _ in HTTPResponse(status: status, headers: [], body: Array(body.utf8)) }
    }

    var fetch: LookupService.Fetch { { request in try await self.call(request) } }

    var requests: [HTTPRequest] { state.withLock { $0.requests } }
    var count: Int { state.withLock { $0.requests.count } }

    /// Lets held requests (and all later ones) answer.
    func release() {
        let held = state.withLock { s in
            s.holding = false
            defer { s.held = [] }
            return s.held
        }
        for c in held { c.resume() }
    }

    private func call(_ request: HTTPRequest) async throws -> HTTPResponse {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let wait = state.withLock { s in
                s.requests.append(request)
                if s.holding { s.held.append(c) }
                return s.holding
            }
            if !wait { c.resume() }
        }
        return try answer(request)
    }
}

/// Waits until `condition` holds, failing after `timeout` (long: the whole
/// suite, run in parallel, has been seen to stall the thread pool for 10 s).
func eventually(timeout: Duration = .seconds(60), _ condition: @Sendable () -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while !condition() {
        if ContinuousClock.now > deadline { throw ConditionTimeout() }
        try await Task.sleep(for: .milliseconds(2))
    }
}

struct ConditionTimeout: Error {}

extension TestMetrics {
    /// The value of `callhook_lookup_total{result}`.
    func lookups(_ result: String) -> Int64 {
        (try? expectCounter("callhook_lookup_total", [("result", result)]).totalValue) ?? -1
    }

    /// How many request durations were recorded.
    var lookupDurations: [Int64] { (try? expectTimer("callhook_lookup_duration_seconds").values) ?? [] }
}
