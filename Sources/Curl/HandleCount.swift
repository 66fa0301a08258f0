import CCurl
import Synchronization

/// How many easy handles of one client are in use right now: taken for a
/// request and not yet given back. Shared by the loop and its transfers; a
/// test reads it to prove a cancelled request left no handle behind.
///
/// It also keeps up to `keep` handles a finished transfer gave back
/// (`curl_easy_reset`, not cleaned up), so a request costs no allocation
/// of libcurl's per-handle state; they are cleaned up when the client
/// shuts down.
final class HandleCount: Sendable {
    let value = Atomic<Int>(0)
    private let idle = Mutex(Idle())
    private static let keep = 256

    private struct Idle: ~Copyable {
        /// Addresses of kept handles (plain integers: the lock's state must be
        /// Sendable).
        var handles: [UInt] = []
        var closed = false
    }

    /// A handle with default options: a kept one, or a new one.
    func take() -> UnsafeMutableRawPointer? {
        let kept = idle.withLock { $0.handles.popLast() }.flatMap { UnsafeMutableRawPointer(bitPattern: $0) }
        guard let easy = kept ?? curl_easy_init() else { return nil }
        value.add(1, ordering: .relaxed)
        return easy
    }

    /// Gives a handle back; it must no longer be in the multi handle.
    func giveBack(_ easy: UnsafeMutableRawPointer) {
        value.subtract(1, ordering: .relaxed)
        curl_easy_reset(easy)
        let address = UInt(bitPattern: easy)
        let kept = idle.withLock { i -> Bool in
            guard !i.closed, i.handles.count < Self.keep else { return false }
            i.handles.append(address)
            return true
        }
        if !kept { curl_easy_cleanup(easy) }
    }

    /// The client stopped: cleans up the kept handles; later ones are
    /// cleaned up as they come back.
    func close() {
        let handles = idle.withLock { i -> [UInt] in
            i.closed = true
            defer { i.handles = [] }
            return i.handles
        }
        for address in handles { curl_easy_cleanup(UnsafeMutableRawPointer(bitPattern: address)) }
    }
}
