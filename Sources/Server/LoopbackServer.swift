import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#endif

/// The HTTP servers callhook runs (the simulator, the daemon's server, the
/// demo's sink): a Hummingbird application that announces the port it
/// bound and logs only warnings and worse.
public enum LoopbackServer {
    public static func application(
        router: Router<BasicRequestContext>, host: String, port: Int, name: String, announcer: PortAnnouncer, logger: Logger
    ) -> some Service {
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: name),
            onServerRunning: { channel in announcer.announce(channel.localAddress?.port ?? 0) },
            logger: logger.withLevel(.warning))
        return Listener(app: app, address: "\(host):\(port)", announcer: announcer)
    }

    /// Runs the application; a failure before it listens (the port is
    /// taken, the host does not resolve) becomes a `ListenFailure` naming
    /// the address, and is handed to whoever waits for the port.
    struct Listener<App: ApplicationProtocol>: Service {
        let app: App
        let address: String
        let announcer: PortAnnouncer

        func run() async throws {
            do {
                try await app.run()
            } catch let error where announcer.boundPort == nil {
                let failure = ListenFailure(address: address, reason: Self.reason(error))
                announcer.fail(failure)
                throw failure
            }
            // Ended before it ever listened (shut down during start-up).
            announcer.fail(CancellationError())
        }

        /// What the system said ("Address already in use"), without NIO's
        /// call-site decoration.
        static func reason(_ error: any Error) -> String {
            guard let io = error as? IOError else { return "\(error)" }
            return String(cString: strerror(io.errnoCode))
        }
    }
}

/// A server could not listen on its address (exit status 3 for the commands).
public struct ListenFailure: Error, CustomStringConvertible {
    /// `host:port` as configured.
    public var address: String
    /// What the system said, e.g. "Address already in use".
    public var reason: String

    public var description: String {
        "cannot listen on \(address): \(reason) (is another process using it? choose another address)"
    }
}
