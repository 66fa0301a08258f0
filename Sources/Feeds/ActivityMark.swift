import Calls
import Synchronization

/// When a stream last showed a sign of life, shared by its reader and its
/// watchdog. Monotonic time: stepping the wall clock neither trips nor
/// delays the watchdog.
final class ActivityMark: Sendable {
    private let clock: PipelineClock
    private let last: Atomic<Int64>

    init(clock: PipelineClock) {
        self.clock = clock
        last = Atomic(clock.monotonicNanoseconds())
    }

    func touch() { last.store(clock.monotonicNanoseconds(), ordering: .relaxed) }

    /// Nanoseconds since the last sign of life.
    var silence: Int64 { clock.monotonicNanoseconds() - last.load(ordering: .relaxed) }
}
