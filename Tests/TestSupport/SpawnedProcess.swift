import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A child process of the tests, started with `posix_spawn` and reaped with
/// `waitpid`, never through `Foundation.Process`.
///
/// `Foundation.Process` on Linux was behind three intermittent failures of
/// the suite: two starts at once could hand one child the other's
/// exit-notification socket (an exit noticed only when an unrelated child
/// ended), its pipe reads trap on EINTR, and `run()` crashed in `strdup`
/// while other tests spawned. Here the child gets exactly the descriptors
/// it is given (everything from 3 up is closed in the child), an empty
/// signal mask and default SIGTERM/SIGINT/SIGHUP/SIGPIPE handling, and its
/// own process group. The pid is signalled only while the child has not
/// been reaped, so a pid the kernel has handed to another process (they
/// wrap at 32,768 here) is never signalled.
public final class SpawnedProcess: Sendable {
    /// Where a standard descriptor of the child goes.
    public enum Output: Sendable {
        case null
        /// A file, created or truncated.
        case file(String)
        /// A descriptor of this process (a pipe's write end), dup'ed.
        case descriptor(Int32)
        /// Standard error only: wherever standard output goes.
        case standardOutput
    }

    public let processIdentifier: pid_t
    /// The exit status once reaped: the code, or 128 + signal.
    private let status = Mutex<Int32?>(nil)

    /// Starts `arguments[0]` (looked up on PATH) with `arguments`.
    public init(
        _ arguments: [String], environment: [String: String]? = nil, directory: String? = nil, stdout: Output = .null,
        stderr: Output = .null
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        Self.redirect(&actions, 1, stdout)
        Self.redirect(&actions, 2, stderr)
        if let directory {
            guard let chdir = Self.addChdir, chdir(&actions, directory) == 0 else {
                throw SpawnFailure(message: "posix_spawn_file_actions_addchdir_np is missing (glibc 2.29 or later is needed)")
            }
        }
        guard let closeFrom = Self.closeFrom, closeFrom(&actions, 3) == 0 else {
            throw SpawnFailure(message: "posix_spawn_file_actions_addclosefrom_np is missing (glibc 2.34 or later is needed)")
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGTERM, SIGINT, SIGHUP, SIGPIPE] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        let env = (environment ?? Self.inherited).map { "\($0.key)=\($0.value)" }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard rc == 0 else {
            throw SpawnFailure(message: "cannot run \(arguments[0]): \(String(cString: strerror(rc)))")
        }
        processIdentifier = pid
    }

    /// True until the child has exited (and then it is reaped).
    public var isRunning: Bool { reap() == nil }

    /// The exit status: the code, or 128 + the signal; nil while running.
    public var terminationStatus: Int32? { reap() }

    /// Sends `signal` while the child has not been reaped.
    public func signal(_ signal: Int32) {
        status.withLock { s in
            if s == nil { _ = kill(processIdentifier, signal) }
        }
    }

    /// Blocks until the child exits; only from a thread of its own
    /// (`offThePool`), never on Swift's cooperative pool.
    @discardableResult
    public func waitUntilExit() -> Int32 {
        // Waits without reaping, so the pid stays the child's until `reap`
        // takes it under the lock.
        var info = siginfo_t()
        while waitid(P_PID, id_t(processIdentifier), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR {}
        return reap() ?? -1
    }

    /// Reaps the child if it has exited; its status, nil while it runs.
    private func reap() -> Int32? {
        status.withLock { s in
            if let s { return s }
            var raw: Int32 = 0
            var r: pid_t
            repeat { r = waitpid(processIdentifier, &raw, WNOHANG) } while r < 0 && errno == EINTR
            guard r == processIdentifier else { return nil }
            // WIFEXITED / WEXITSTATUS, else 128 + WTERMSIG
            let code = (raw & 0x7f) == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f)
            s = code
            return code
        }
    }

    deinit {
        // A test that forgot its child: end it and reap it.
        if reap() == nil {
            kill(processIdentifier, SIGKILL)
            waitUntilExit()
        }
    }

    private static func redirect(_ actions: inout posix_spawn_file_actions_t, _ fd: Int32, _ output: Output) {
        switch output {
        case .null: posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_WRONLY, 0)
        case .file(let path): posix_spawn_file_actions_addopen(&actions, fd, path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        case .descriptor(let d): posix_spawn_file_actions_adddup2(&actions, d, fd)
        case .standardOutput: posix_spawn_file_actions_adddup2(&actions, 1, fd)
        }
    }

    /// The environment of the tests, read once.
    private static let inherited = ProcessInfo.processInfo.environment

    /// glibc functions Swift's Glibc module does not declare, found by name:
    /// `posix_spawn_file_actions_addclosefrom_np` (2.34; the child closes
    /// every descriptor from 3 up, and nothing of this process changes),
    /// `posix_spawn_file_actions_addchdir_np` (2.29) and `pipe2`.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
    private static let closeFrom: CloseFrom? = glibc("posix_spawn_file_actions_addclosefrom_np")
    private static let addChdir: AddChdir? = glibc("posix_spawn_file_actions_addchdir_np")
    static let pipe2: Pipe2? = glibc("pipe2")

    private static func glibc<F>(_ name: String) -> F? {
        dlsym(UnsafeMutableRawPointer(bitPattern: 0), name).map { unsafeBitCast($0, to: F.self) }
    }
}

public struct SpawnFailure: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// A pipe whose both ends are close-on-exec in this process (the child gets
/// the write end by `dup2`, which clears the flag on the copy).
public struct SpawnPipe: Sendable {
    public let read: Int32
    public let write: Int32

    public init() throws {
        var fds: [Int32] = [-1, -1]
        guard let pipe2 = SpawnedProcess.pipe2, pipe2(&fds, O_CLOEXEC) == 0 else {
            throw SpawnFailure(message: "pipe2: \(String(cString: strerror(errno)))")
        }
        read = fds[0]
        write = fds[1]
    }

    /// This process's copy of the write end: close it once the child has
    /// it, so that the read end sees end of file when the child exits.
    public func closeWrite() { close(write) }
    public func closeRead() { close(read) }

    /// Everything up to end of file.
    public func readToEnd() -> Data { PipeReader.readToEnd(read) }

    /// Up to the first newline.
    public func readLine() -> Data { PipeReader.readLine(read) }
}
