import CCurl
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The thread that owns the curl multi handle and drives every transfer.
///
/// libcurl handles are not thread-safe, so nothing but this thread touches
/// the multi handle or an easy handle once it has been added. Other threads
/// talk to it through `commands` and wake it with `curl_multi_wakeup`.
///
/// `@unchecked Sendable` because of the multi handle. Invariant: `multi`
/// is used only on the loop thread, except `curl_multi_wakeup` (documented
/// thread-safe by libcurl), which `send` calls under the `commands` lock so
/// it never races `curl_multi_cleanup`; `active` is touched only on the loop
/// thread; `thread` is written once in `init`, before the loop is shared.
/// `commands` and `done` are Mutexes, the counters atomics.
final class CurlMultiLoop: @unchecked Sendable {
    enum Command {
        case add(Transfer)
        case cancel(Transfer, HTTPClientError)
        case resume(Transfer)
        case stop
    }

    private let multi: UnsafeMutableRawPointer
    /// Commands for the loop. `polling`: the loop waits (or is about to
    /// wait) in `curl_multi_poll` and needs a wake-up for a new command;
    /// while it works it picks new commands up on its next turn anyway, so
    /// most requests cost no wake-up (no write to libcurl's wake-up pipe).
    private struct Commands {
        var queue: [Command] = []
        var stopped = false
        var polling = false
    }
    private let commands = Mutex(Commands())
    private var active: [UnsafeMutableRawPointer: Transfer] = [:]
    private let done = Mutex(false)
    private var thread: pthread_t?

    /// Number of transfers being driven right now (loop thread's view).
    let inFlight = Atomic<Int>(0)
    /// Easy handles of this client in use, and the finished ones kept for reuse.
    let handles = HandleCount()

    init(maxConnections: Int) {
        _ = CurlGlobal.initialized
        multi = curl_multi_init()
        _ = callhook_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        _ = callhook_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxConnections)
        start()
    }

    private func start() {
        let box = Unmanaged.passRetained(self).toOpaque()
        var tid = pthread_t()
        let rc = pthread_create(
            &tid, nil,
            { arg in
                let loop = Unmanaged<CurlMultiLoop>.fromOpaque(arg!).takeRetainedValue()
                loop.run()
                return nil
            }, box)
        precondition(rc == 0, "could not start the curl thread")
        thread = tid
    }

    /// Queues a command and wakes the loop. Returns false after shutdown.
    @discardableResult
    func send(_ command: Command) -> Bool {
        // The wakeup happens under the lock: the loop cannot have seen `.stop`
        // and cleaned up the multi handle before it returns.
        commands.withLock { c in
            if c.stopped { return false }
            c.queue.append(command)
            if case .stop = command { c.stopped = true }
            if c.polling {
                c.polling = false
                curl_multi_wakeup(multi)
            }
            return true
        }
    }

    /// Stops the loop: every transfer still running fails with `.shutdown`.
    /// Waits for the thread to finish.
    func shutdown() {
        if send(.stop), let thread {
            pthread_join(thread, nil)
        }
    }

    private func run() {
        var running: Int32 = 0
        var stopping = false
        while !stopping {
            let batch = commands.withLock { c in
                let q = c.queue
                c.queue.removeAll(keepingCapacity: true)
                return q
            }
            for command in batch {
                switch command {
                case .add(let t):
                    // Cancelled (or shut down) before the loop got to it:
                    // the waiter already has its error; never connect.
                    if t.isFinished { continue }
                    let rc = curl_multi_add_handle(multi, t.easy)
                    if rc == CURLM_OK {
                        active[t.easy] = t
                    } else {
                        t.complete(.failure(HTTPClientError(kind: .transport, message: String(cString: curl_multi_strerror(rc)))))
                    }
                case .cancel(let t, let error):
                    if active.removeValue(forKey: t.easy) != nil {
                        curl_multi_remove_handle(multi, t.easy)
                    }
                    t.complete(.failure(error))
                case .resume(let t):
                    if active[t.easy] != nil {
                        curl_easy_pause(t.easy, CURLPAUSE_CONT)
                    }
                case .stop:
                    stopping = true
                }
            }
            inFlight.store(active.count, ordering: .relaxed)
            if stopping { break }

            curl_multi_perform(multi, &running)
            var left: Int32 = 0
            while let msg = curl_multi_info_read(multi, &left) {
                guard msg.pointee.msg == CURLMSG_DONE, let easy = msg.pointee.easy_handle else { continue }
                let code = callhook_msg_result(msg)
                curl_multi_remove_handle(multi, easy)
                guard let t = active.removeValue(forKey: easy) else { continue }
                if code == CURLE_OK {
                    t.complete(.success(()))
                } else {
                    t.complete(.failure(t.error(for: code)))
                }
            }
            inFlight.store(active.count, ordering: .relaxed)
            // Wait only when no command came in meanwhile; a command sent
            // after this sees `polling` and wakes the poll (a wake-up sent
            // before the poll starts makes it return at once).
            let idle = commands.withLock { c -> Bool in
                guard c.queue.isEmpty else { return false }
                c.polling = true
                return true
            }
            if idle {
                curl_multi_poll(multi, nil, 0, 1000, nil)
                commands.withLock { $0.polling = false }
            }
        }
        let shutdownError = HTTPClientError(kind: .shutdown, message: "the HTTP client was shut down")
        for (easy, t) in active {
            curl_multi_remove_handle(multi, easy)
            t.complete(.failure(shutdownError))
        }
        active.removeAll()
        // Commands that raced with stop.
        let rest = commands.withLock { c in
            let q = c.queue
            c.queue.removeAll()
            return q
        }
        for case .add(let t) in rest { t.complete(.failure(shutdownError)) }
        curl_multi_cleanup(multi)
        handles.close()
    }
}

/// `curl_global_init` exactly once per process.
enum CurlGlobal {
    static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()
}
