/// Found and not-found answers by number, each kept for the cache duration
/// from when it arrived, at most `capacity` numbers. Pure: the caller
/// passes the monotonic time.
///
/// Every entry lives equally long, so insertion order is expiry order: one
/// queue serves both expiry and the size cap (the oldest answer goes
/// first). A hit does not extend an entry's life — an answer is only as
/// fresh as its request.
struct LookupCache {
    private struct Entry {
        var outcome: LookupOutcome
        var expires: Int64
        var sequence: Int
    }

    let capacity: Int
    let lifetime: Int64
    private var entries: [String: Entry] = [:]
    /// Insertion order; an element whose sequence no longer matches its
    /// entry was replaced and is skipped.
    private var order: [(key: String, sequence: Int)] = []
    private var head = 0
    private var nextSequence = 0

    /// - Parameters: lifetime in nanoseconds; capacity at least 1.
    init(capacity: Int, lifetimeNanoseconds: Int64) {
        self.capacity = max(1, capacity)
        self.lifetime = lifetimeNanoseconds
    }

    var count: Int { entries.count }

    /// The cached outcome for `key`, if not expired at `now`.
    func get(_ key: String, now: Int64) -> LookupOutcome? {
        guard let e = entries[key], e.expires > now else { return nil }
        return e.outcome
    }

    /// Keeps `outcome` for `key` from `now` on (nothing when the lifetime is zero).
    mutating func put(_ key: String, _ outcome: LookupOutcome, now: Int64) {
        guard lifetime > 0 else { return }
        removeExpired(now: now)
        nextSequence += 1
        entries[key] = Entry(outcome: outcome, expires: now + lifetime, sequence: nextSequence)
        order.append((key, nextSequence))
        while entries.count > capacity, let oldest = popOldest() { entries[oldest] = nil }
        compact()
    }

    mutating func removeAll() {
        entries = [:]
        order = []
        head = 0
    }

    /// Drops entries that expired by `now`, oldest first.
    mutating func removeExpired(now: Int64) {
        while head < order.count {
            let (key, sequence) = order[head]
            if let e = entries[key], e.sequence == sequence {
                guard e.expires <= now else { break }
                entries[key] = nil
            }
            head += 1
        }
        compact()
    }

    /// The key of the oldest live entry, taken off the queue.
    private mutating func popOldest() -> String? {
        while head < order.count {
            let (key, sequence) = order[head]
            head += 1
            if entries[key]?.sequence == sequence { return key }
        }
        return nil
    }

    private mutating func compact() {
        if head > 64 && head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }
}
