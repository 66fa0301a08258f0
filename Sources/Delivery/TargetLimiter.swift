/// Per-target concurrency: at most `limit` requests in flight to one target;
/// others wait their turn in arrival order.
actor TargetLimiter {
    private var inFlight: [String: Int] = [:]
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    func acquire(_ target: String, limit: Int) async {
        if inFlight[target, default: 0] < max(1, limit) {
            inFlight[target, default: 0] += 1
            return
        }
        await withCheckedContinuation { waiting[target, default: []].append($0) }
    }

    func release(_ target: String) {
        if var queue = waiting[target], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[target] = queue
            next.resume()  // the slot passes straight to the next waiter
        } else {
            inFlight[target, default: 1] -= 1
        }
    }
}
