import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Every process the benchmark starts (nginx, wrk, `callhook run`, a
/// child `callhook-bench`) and the directories they use, so that an
/// interrupted run leaves nothing behind.
///
/// Foundation starts each child in a process group of its own: Ctrl-C
/// reached only the benchmark, and its nginx went on listening (its
/// directory left in /tmp) after `make bench` was stopped. On SIGINT,
/// SIGTERM or SIGHUP the children get SIGTERM, SIGKILL two seconds later,
/// the run's temporary files are removed, and the benchmark exits with
/// 128 + the signal.
enum Spawned {
    private struct Tracked {
        var processes: [ObjectIdentifier: Process] = [:]
        var paths: Set<URL> = []
    }

    private static let tracked = Mutex(Tracked())
    // Safe: appended to once, by `handleSignals` at start; kept only so the
    // sources live as long as the process.
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    /// Starts watching for the signals (once, at start).
    static func handleSignals() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { stopAll(exitingWith: 128 + sig) }
            source.resume()
            sources.append(source)
        }
    }

    /// A child just started.
    static func track(_ process: Process) {
        tracked.withLock { $0.processes[ObjectIdentifier(process)] = process }
    }

    /// A child that has ended.
    static func untrack(_ process: Process) {
        _ = tracked.withLock { $0.processes.removeValue(forKey: ObjectIdentifier(process)) }
    }

    /// A temporary file or directory of this run: removed if it is
    /// interrupted (the run itself removes it otherwise).
    static func removeOnSignal(_ path: URL) {
        _ = tracked.withLock { $0.paths.insert(path) }
    }

    /// Children get two seconds: a child `callhook-bench` stops its own
    /// children in one.
    private static func stopAll(exitingWith status: Int32) -> Never {
        let (children, paths) = tracked.withLock { (Array($0.processes.values), $0.paths) }
        for p in children where p.isRunning { kill(p.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(2)
        while children.contains(where: \.isRunning) && Date() < deadline { usleep(20_000) }
        for p in children where p.isRunning { kill(p.processIdentifier, SIGKILL) }
        for path in paths { try? FileManager.default.removeItem(at: path) }
        FileHandle.standardError.write(Data("callhook-bench: interrupted; its processes are stopped\n".utf8))
        exit(status)
    }
}
