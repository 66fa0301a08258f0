import Calls
import Synchronization

/// The queue in memory, with the semantics of `SQLiteDeliveryStore`: for
/// tests of the dispatcher and for benchmarks. Nothing survives the process.
public final class MemoryDeliveryStore: DeliveryStore {
    private struct State {
        var nextSeq: Int64 = 1
        /// By seq, in queue order.
        var rows: [Int64: Delivery] = [:]
        var seqByID: [String: Int64] = [:]
        var attempts: [String: [Attempt]] = [:]
        var callVars: [String: [String: (value: String, updatedAt: Int64)]] = [:]
        var commits = 0
    }

    private let state = Mutex(State())
    private let clock: PipelineClock

    public init(clock: PipelineClock = .system) { self.clock = clock }

    /// Batches committed so far.
    public var commitCount: Int { state.withLock { $0.commits } }

    /// While true, every commit fails (a full or broken disk, for tests).
    public let failingCommits = Atomic<Bool>(false)

    /// Why a commit failed while `failingCommits` is set.
    public struct CommitFailed: Error, CustomStringConvertible {
        public var description: String { "disk I/O error (simulated)" }
    }

    public func isWritable() async -> Bool { !failingCommits.load(ordering: .relaxed) }

    @discardableResult public func commit(_ batch: StoreBatch) async throws -> Int {
        if failingCommits.load(ordering: .relaxed) { throw CommitFailed() }
        let now = clock.wallMilliseconds
        return state.withLock { s in
            s.commits += 1
            var skipped = 0
            for var d in batch.inserts {
                guard s.seqByID[d.id] == nil else {
                    skipped += 1
                    continue
                }
                d.seq = s.nextSeq
                s.nextSeq += 1
                s.rows[d.seq!] = d
                s.seqByID[d.id] = d.seq
            }
            for o in batch.outcomes {
                guard let seq = o.seq ?? s.seqByID[o.id], var d = s.rows[seq] else { continue }
                // The guard of SQLiteDeliveryStore: a concurrent retry or purge wins.
                guard d.status == .pending, (max(0, o.attempts - 1)...o.attempts).contains(d.attempts) else { continue }
                d.status = o.status
                d.attempts = o.attempts
                d.nextAttemptAt = o.nextAttemptAt
                d.lastStatus = o.lastStatus
                d.lastError = o.lastError
                d.finishedAt = o.finishedAt
                s.rows[seq] = d
                if let a = o.attempt { s.attempts[d.id, default: []].append(a) }
            }
            for v in batch.callVars { s.callVars[v.callID, default: [:]][v.name] = (v.value, now) }
            return skipped
        }
    }

    public func due(target: String, now: Int64, limit: Int, skipping: Set<Int64>) async throws -> [Delivery] {
        state.withLock { s in
            var firstOfKey: Set<String> = []
            var out: [Delivery] = []
            var looked = 0
            for seq in s.rows.keys.sorted() {
                guard let d = s.rows[seq], d.status == .pending else { continue }
                let first = firstOfKey.insert(d.orderKey).inserted
                guard first, d.target == target, d.nextAttemptAt <= now else { continue }
                guard looked < limit else { break }
                looked += 1
                if !skipping.contains(seq) { out.append(d) }
            }
            return out
        }
    }

    public func pendingTargets() async throws -> [String] {
        state.withLock { s in Array(Set(s.rows.values.filter { $0.status == .pending }.map(\.target))) }
    }

    public func pendingCountsByTarget() async throws -> [String: Int] {
        state.withLock { s in
            var out: [String: Int] = [:]
            for d in s.rows.values where d.status == .pending { out[d.target, default: 0] += 1 }
            return out
        }
    }

    public func retarget(ids: [String], to target: String, now: Int64) async throws -> Int {
        state.withLock { s in
            var changed = 0
            for id in ids {
                guard let seq = s.seqByID[id], let d = s.rows[seq], d.status != .delivered else { continue }
                Self.makePending(&s.rows[seq]!, now: now)
                s.rows[seq]!.target = target
                s.rows[seq]!.lastError = nil
                changed += 1
            }
            return changed
        }
    }

    public func purgeOrphaned(known: Set<String>) async throws -> Int {
        remove { $0.status == .pending && !known.contains($0.target) }
    }

    public func nextDue(after now: Int64) async throws -> Int64? {
        state.withLock { s in s.rows.values.filter { $0.status == .pending && $0.nextAttemptAt > now }.map(\.nextAttemptAt).min()
        }
    }

    public func counts() async throws -> [DeliveryStatus: Int] {
        state.withLock { s in
            var out: [DeliveryStatus: Int] = [.pending: 0, .delivered: 0, .dead: 0]
            for d in s.rows.values { out[d.status, default: 0] += 1 }
            return out
        }
    }

    public func callVars(callID: String) async throws -> [String: String] {
        state.withLock { s in (s.callVars[callID] ?? [:]).mapValues(\.value) }
    }

    public func list(status: DeliveryStatus?, limit: Int) async throws -> [Delivery] {
        state.withLock { s in
            Array(
                s.rows.keys.sorted(by: >).compactMap { s.rows[$0] }.filter { status == nil || $0.status == status }.prefix(limit))
        }
    }

    public func page(_ filter: DeliveryFilter, beforeSeq: Int64?, limit: Int) async throws -> [Delivery] {
        state.withLock { s in
            Array(
                s.rows.keys.filter { $0 < (beforeSeq ?? .max) }.sorted(by: >).compactMap { s.rows[$0] }.filter(filter.matches)
                    .prefix(limit))
        }
    }

    public func retryDead(target: String?, now: Int64) async throws -> Int {
        state.withLock { s in
            let dead = s.rows.filter { $0.value.status == .dead && (target == nil || $0.value.target == target) }.map(\.key)
            for seq in dead { Self.makePending(&s.rows[seq]!, now: now) }
            return dead.count
        }
    }

    public func delivery(id: String) async throws -> (Delivery, [Attempt])? {
        state.withLock { s in
            guard let seq = s.seqByID[id], let d = s.rows[seq] else { return nil }
            return (d, s.attempts[id] ?? [])
        }
    }

    public func retry(ids: [String], now: Int64) async throws -> Int {
        state.withLock { s in
            var changed = 0
            for id in ids {
                guard let seq = s.seqByID[id] else { continue }
                Self.makePending(&s.rows[seq]!, now: now)
                changed += 1
            }
            return changed
        }
    }

    public func retryDead(now: Int64) async throws -> Int {
        state.withLock { s in
            let dead = s.rows.filter { $0.value.status == .dead }.map(\.key)
            for seq in dead { Self.makePending(&s.rows[seq]!, now: now) }
            return dead.count
        }
    }

    public func purgeDead(before: Int64?) async throws -> Int {
        remove { $0.status == .dead && ($0.finishedAt ?? 0) < (before ?? .max) }
    }

    /// In memory all at once: there is no write lock to hold up.
    public func prune(before: Int64, limit: Int) async throws -> (deliveries: Int, more: Bool) {
        let n = remove { $0.status != .pending && ($0.finishedAt ?? 0) < before }
        state.withLock { s in
            for (call, vars) in s.callVars {
                s.callVars[call] = vars.filter { $0.value.updatedAt >= before }
                if s.callVars[call]?.isEmpty == true { s.callVars[call] = nil }
            }
        }
        return (n, false)
    }

    private func remove(where match: (Delivery) -> Bool) -> Int {
        state.withLock { s in
            let gone = s.rows.filter { match($0.value) }
            for (seq, d) in gone {
                s.rows[seq] = nil
                s.seqByID[d.id] = nil
                s.attempts[d.id] = nil
            }
            return gone.count
        }
    }

    private static func makePending(_ d: inout Delivery, now: Int64) {
        d.status = .pending
        d.attempts = 0
        d.nextAttemptAt = now
        d.finishedAt = nil
    }
}
