import Foundation
import Synchronization

/// One process start at a time in the test process.
///
/// On Linux, `Foundation.Process.run()` makes the child close the parent's
/// other descriptors by listing them before it spawns, and it learns of
/// the child's exit when the child's end of a socket pair closes. A second
/// `run()` on another thread in between can give its child the first
/// child's end of that socket, and the first child's exit is then noticed
/// only when the second child exits: a test waiting for a daemon to exit
/// after SIGTERM waited for an unrelated simulator instead.
private let spawnLock = Mutex(())

extension Process {
    /// `run()`, never at the same time as another process start of the tests.
    public func runSerialized() throws {
        try spawnLock.withLock { _ in try run() }
    }
}
