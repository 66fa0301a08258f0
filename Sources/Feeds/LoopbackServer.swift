import Hummingbird
import Logging

/// The HTTP servers callhook runs (the simulator, the daemon's server, the
/// demo's sink): a Hummingbird application that announces the port it
/// bound and logs only warnings and worse.
public enum LoopbackServer {
    public static func application(
        router: Router<BasicRequestContext>, host: String, port: Int, name: String, announcer: PortAnnouncer, logger: Logger
    ) -> Application<RouterResponder<BasicRequestContext>> {
        Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: name),
            onServerRunning: { channel in announcer.announce(channel.localAddress?.port ?? 0) },
            logger: logger.withLevel(.warning))
    }
}
