import Calls
import Curl
import Logging
import RuleEngine
import Synchronization

@testable import Delivery

/// Calls a completion at most once (a request finishes or is cancelled).
final class Once: Sendable {
    private let done = Atomic<Bool>(false)
    private let body: DeliverySender.Completion
    init(_ body: @escaping DeliverySender.Completion) { self.body = body }
    func callAsFunction(_ r: Result<HTTPResponse, HTTPClientError>) {
        if !done.exchange(true, ordering: .relaxed) { body(r) }
    }
}

/// A send step that keeps the requests until the test answers them.
final class FakeSender: Sendable {
    struct Sent: Sendable {
        let request: HTTPRequest
        let complete: Once
        var id: String { request.header("Idempotency-Key") ?? "" }
        var attempt: String { request.header("X-Callhook-Attempt") ?? "" }
        func respond(_ status: Int, _ headers: [(name: String, value: String)] = []) {
            complete(.success(HTTPResponse(status: status, headers: headers, body: [])))
        }
    }

    private let sent = Mutex<[Sent]>([])

    var sender: DeliverySender {
        DeliverySender { request, completion in
            let once = Once(completion)
            self.sent.withLock { $0.append(Sent(request: request, complete: once)) }
            return { once(.failure(HTTPClientError(kind: .cancelled, message: "the request was cancelled"))) }
        }
    }

    /// Requests sent since the last call, in the order they were sent.
    func take() -> [Sent] {
        sent.withLock { list in
            defer { list = [] }; return list
        }
    }
}

/// A dispatcher on an in-memory queue, a fake sender and a manual clock,
/// driven one `round()` at a time.
final class DispatcherRig {
    let time = ManualClock()
    let store: MemoryDeliveryStore
    let fake = FakeSender()
    let dispatcher: Dispatcher
    var state = DispatchState()

    init(targets toml: String, sender: DeliverySender? = nil, maxUncommitted: Int = 4096) throws {
        let set = try RuleLoader.load([RuleLoader.File(path: "t.toml", text: toml)], environment: [:]).get()
        store = MemoryDeliveryStore(clock: time.clock)
        dispatcher = Dispatcher(
            store: store, sender: sender ?? fake.sender, targets: set.targets, version: "test", logger: Logger(label: "test"),
            clock: time.clock, maxUncommitted: maxUncommitted)
    }

    /// Queues deliveries (id, order key) for `target`, in this order.
    func queue(_ items: [(id: String, key: String)], target: String = "crm", url: String? = nil) async throws {
        var batch = StoreBatch()
        for item in items {
            var r = RenderedRequest(
                deliveryID: item.id, rule: "r", target: target, phase: .incoming, callID: "c", leg: nil, method: "POST",
                url: url ?? "http://127.0.0.1:9/\(item.id)", headers: [], body: nil, eventTime: time.clock.wallTime())
            r.orderKey = item.key
            batch.inserts.append(Delivery(r, now: time.clock.wallMilliseconds))
        }
        try await store.commit(batch)
        state.dirty = true
    }

    /// One round of the dispatcher's loop, and the round that lands the
    /// commit it started (the task group waits for that commit); returns
    /// what they sent.
    @discardableResult
    func round() async -> [FakeSender.Sent] {
        var s = state
        let d = dispatcher
        await withDiscardingTaskGroup { group in await d.round(&s, group: &group) }
        if s.committing != nil {
            await withDiscardingTaskGroup { group in await d.round(&s, group: &group) }
        }
        state = s
        return fake.take()
    }

    func row(_ id: String) async throws -> (Delivery, [Attempt])? { try await store.delivery(id: id) }
}
