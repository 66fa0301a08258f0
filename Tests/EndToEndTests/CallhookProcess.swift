import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The repository's root (this file is Tests/EndToEndTests/CallhookProcess.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// The built `callhook` binary: `$CALLHOOK_BIN`, else `.build/debug/callhook`.
let callhookBinary: String = {
    if let b = ProcessInfo.processInfo.environment["CALLHOOK_BIN"], !b.isEmpty { return b }
    return repositoryRoot.appendingPathComponent(".build/debug/callhook").path
}()

/// The real `callhook` binary running as a child process, its output in files
/// (a pipe nobody reads would block it).
final class CallhookProcess: Sendable {
    let process: SpawnedProcess
    let dir: URL
    var stdoutPath: String { dir.appendingPathComponent("stdout").path }
    var stderrPath: String { dir.appendingPathComponent("stderr").path }

    init(_ arguments: [String], environment: [String: String] = [:], directory: URL = repositoryRoot) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        process = try SpawnedProcess(
            [callhookBinary] + arguments, environment: env, directory: directory.path,
            stdout: .file(dir.appendingPathComponent("stdout").path), stderr: .file(dir.appendingPathComponent("stderr").path))
    }

    deinit {
        process.signal(SIGKILL)
        try? FileManager.default.removeItem(at: dir)
    }

    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// Signals the process while it has not been reaped (`SpawnedProcess`).
    func signal(_ s: Int32) { process.signal(s) }

    /// Waits for the process to exit; returns its status, or nil after `timeout`.
    func waitForExit(timeout: Duration = .seconds(30)) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return process.terminationStatus
    }

    /// Waits until the output satisfies `condition`, checking every few
    /// milliseconds; throws after `timeout` or if the process exits first.
    func waitForOutput(timeout: Duration = .seconds(30), _ condition: (String, String) -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition(stdout, stderr) {
            if !process.isRunning && !condition(stdout, stderr) {
                throw ProcessFailure(
                    message: "callhook exited (\(process.terminationStatus ?? -1)) before the expected output:\n\(stderr)")
            }
            if ContinuousClock.now > deadline {
                throw ProcessFailure(message: "timed out waiting for output; stderr:\n\(stderr)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Runs callhook to completion.
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60)) async throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        let p = try CallhookProcess(arguments, environment: environment)
        guard let status = await p.waitForExit(timeout: timeout) else {
            throw ProcessFailure(message: "callhook \(arguments.joined(separator: " ")) did not finish")
        }
        return (status, p.stdout, p.stderr)
    }
}

struct ProcessFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
