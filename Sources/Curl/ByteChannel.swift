import Synchronization

/// A bounded hand-over of body bytes from the curl loop thread to one async
/// reader.
///
/// The loop pushes chunks; when more than `highWater` bytes wait unread, the
/// push is refused and the transfer is paused (libcurl keeps the data and
/// offers it again after `curl_easy_pause(CONT)`). The reader asks for the
/// transfer to be resumed once it has drained below `lowWater`, so a slow
/// consumer never makes callhook buffer without limit.
final class ByteChannel: Sendable {
    struct State {
        var chunks: [[UInt8]] = []
        var head = 0
        var buffered = 0
        var finished = false
        var error: (any Error)?
        var waiter: CheckedContinuation<[UInt8]?, any Error>?
        var paused = false
    }

    let highWater: Int
    let lowWater: Int
    private let state = Mutex(State())

    init(highWater: Int = 1 << 20) {
        self.highWater = highWater
        self.lowWater = highWater / 4
    }

    /// Called on the loop thread. Returns false when the transfer must pause:
    /// the bytes were not taken and will be offered again.
    func push(_ bytes: [UInt8]) -> Bool {
        enum Outcome { case handed(CheckedContinuation<[UInt8]?, any Error>), stored, refused }
        let outcome: Outcome = state.withLock { s in
            if let w = s.waiter {
                s.waiter = nil
                return .handed(w)
            }
            if s.finished { return .stored }  // reader is gone; drop
            if s.buffered >= highWater {
                s.paused = true
                return .refused
            }
            s.chunks.append(bytes)
            s.buffered += bytes.count
            return .stored
        }
        switch outcome {
        case .handed(let waiter):
            waiter.resume(returning: bytes)
            return true
        case .stored: return true
        case .refused: return false
        }
    }

    /// Ends the stream, with an error or cleanly. Later calls are ignored.
    func finish(_ error: (any Error)?) {
        let waiter: CheckedContinuation<[UInt8]?, any Error>? = state.withLock { s in
            guard !s.finished else { return nil }
            s.finished = true
            s.error = error
            let w = s.waiter
            s.waiter = nil
            return w
        }
        if let waiter {
            if let error { waiter.resume(throwing: error) } else { waiter.resume(returning: nil) }
        }
    }

    /// The next chunk, or nil at the end. `resume` is called when a paused
    /// transfer should continue because the reader caught up.
    func next(resume: () -> Void) async throws -> [UInt8]? {
        enum Step { case chunk([UInt8], wake: Bool), end, fail(any Error), wait(wake: Bool) }
        let step: Step = state.withLock { s in
            if s.head < s.chunks.count {
                let c = s.chunks[s.head]
                s.head += 1
                s.buffered -= c.count
                if s.head > 64 && s.head * 2 > s.chunks.count {
                    s.chunks.removeFirst(s.head)
                    s.head = 0
                }
                var wake = false
                if s.paused && s.buffered <= lowWater {
                    s.paused = false
                    wake = true
                }
                return .chunk(c, wake: wake)
            }
            if s.finished {
                if let e = s.error { return .fail(e) }
                return .end
            }
            let wake = s.paused
            s.paused = false
            return .wait(wake: wake)
        }
        switch step {
        case .chunk(let c, let wake):
            if wake { resume() }
            return c
        case .end: return nil
        case .fail(let e): throw e
        case .wait(let wake):
            if wake { resume() }
            return try await withCheckedThrowingContinuation { cont in
                let immediate: Result<[UInt8]?, any Error>? = state.withLock { s in
                    if s.head < s.chunks.count {
                        let c = s.chunks[s.head]
                        s.head += 1
                        s.buffered -= c.count
                        return .success(c)
                    }
                    if s.finished {
                        if let e = s.error { return .failure(e) }
                        return .success(nil)
                    }
                    s.waiter = cont
                    return nil
                }
                if let immediate { cont.resume(with: immediate) }
            }
        }
    }
}
