import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `--exec COMMAND` of the native agent: runs `/bin/sh -c COMMAND` in a
/// process group of its own, so `stop()` ends it and everything it started.
public final class RingCommand: Sendable {
    public let pid: pid_t

    /// Starts the command with the agent's environment plus `environment`.
    public init(command: String, environment: [String: String]) throws {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        let argv = ["/bin/sh", "-c", command]
        let envp = env.map { "\($0.key)=\($0.value)" }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGTERM)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var child: pid_t = 0
        let status = Self.withCStrings(argv) { a in
            Self.withCStrings(envp) { e in posix_spawn(&child, "/bin/sh", nil, &attributes, a, e) }
        }
        guard status == 0 else {
            throw CommandError(message: "cannot run /bin/sh: \(String(cString: strerror(status)))")
        }
        pid = child
        // Reaps the child whenever it ends, so no zombie is left behind.
        let reaped = child
        Thread.detachNewThread {
            var s: Int32 = 0
            while waitpid(reaped, &s, 0) == -1 && errno == EINTR {}
        }
    }

    /// Ends the command and its children (SIGTERM to its process group).
    public func stop() { kill(-pid, SIGTERM) }

    public struct CommandError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for p in pointers { free(p) } }
        return body(pointers)
    }
}
