import Synchronization

/// How many easy handles of one client exist right now: created and not yet
/// cleaned up. Shared by the loop and its transfers; a test reads it to
/// prove a cancelled request left no handle behind.
final class HandleCount: Sendable {
    let value = Atomic<Int>(0)
}
