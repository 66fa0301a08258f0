import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
    import Glibc
#endif

/// How the long-running commands (`run`, `demo`, `sim`) stop: SIGTERM or
/// SIGINT starts a graceful shutdown; a service that does not finish it
/// within `maximumGracefulShutdownDuration` is cancelled; one that ignores
/// cancellation for `maximumCancellationDuration` more ends the process
/// (service-lifecycle's backstop, a crash rather than a hang). A second
/// SIGTERM or SIGINT ends the process at once with status 3.
public enum ShutdownPolicy {
    /// Above the dispatcher's 10 s drain of in-flight requests.
    public static let maximumGracefulShutdownDuration: Duration = .seconds(15)
    public static let maximumCancellationDuration: Duration = .seconds(5)

    /// A service group with callhook's signals and backstops.
    public static func group(_ services: [ServiceGroupConfiguration.ServiceConfiguration], logger: Logger) -> ServiceGroup {
        var configuration = ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = maximumGracefulShutdownDuration
        configuration.maximumCancellationDuration = maximumCancellationDuration
        return ServiceGroup(configuration: configuration)
    }

    /// Runs a long-running command's `body`; while it runs, the second
    /// SIGTERM or SIGINT ends the process at once (status 3). What is not
    /// delivered stays in the queue: every queue write is a transaction.
    public static func endingAtSecondSignal<T>(_ body: () async throws -> T) async throws -> T {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                var seen = 0
                // Ends when the command returns (the task is cancelled).
                for await signal in signals {
                    seen += 1
                    if seen >= 2 {
                        FileHandle.standardError.write(
                            Data("callhook: second \(signal), stopping at once; undelivered requests stay queued\n".utf8))
                        _exit(3)
                    }
                }
            }
            defer { group.cancelAll() }
            return try await body()
        }
    }
}
