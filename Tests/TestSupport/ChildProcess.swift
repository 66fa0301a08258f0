import Foundation

/// Runs a child process to its end without blocking Swift's cooperative
/// thread pool.
///
/// On a 2-core machine that pool has two threads: one blocking
/// `waitUntilExit` or `readDataToEndOfFile` inside an async test halves
/// what every other test running in parallel gets, and timing assertions
/// elsewhere start to fail. The blocking work runs on a thread of its own.
public enum ChildProcess {
    public struct Result: Sendable {
        public var status: Int32
        /// Standard output, and standard error too when `mergeErrors`.
        public var output: String
    }

    /// Runs `arguments` through `/usr/bin/env` (so `python3` is found on PATH).
    public static func run(_ arguments: [String], mergeErrors: Bool = false) async throws -> Result {
        try await offThePool {
            let out = try SpawnPipe()
            defer { out.closeRead() }
            let p: SpawnedProcess
            do {
                p = try SpawnedProcess(
                    ["/usr/bin/env"] + arguments, stdout: .descriptor(out.write), stderr: mergeErrors ? .standardOutput : .null)
            } catch {
                out.closeWrite()
                throw error
            }
            out.closeWrite()
            let text = String(decoding: out.readToEnd(), as: UTF8.self)
            return Result(status: p.waitUntilExit(), output: text)
        }
    }
}

/// Runs blocking `work` on a new thread and resumes with its result.
public func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}
