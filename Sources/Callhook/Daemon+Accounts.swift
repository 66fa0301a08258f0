import Calls
import Config
import Curl
import Feeds
import Logging

/// One NFON K-account of `callhook run`: its source (own login, tokens,
/// streams, directory, backoff and idle watchdog) and its name in metrics
/// and readiness (`nfon:K1234`).
struct NFONAccount: Sendable {
    let name: String
    let source: NFONSource

    /// One account per `[source.nfon]` / `[[source.nfon]]` entry, each a
    /// service of its own in the daemon's group.
    static func all(
        _ config: [DaemonConfig.NFON], version: String, client: HTTPClient, pipeline: Pipeline, logger: Logger,
        clock: PipelineClock
    ) -> [NFONAccount] {
        config.map { account in
            var options = NFONOptions(
                baseURL: account.baseURL, username: account.username, password: account.password, account: account.account)
            options.version = version
            options.lineStates = account.lineStates
            options.directoryRefresh = account.directoryRefresh
            options.idleTimeout = account.idleTimeout
            var log = logger
            log[metadataKey: "source"] = "\(account.sourceName)"
            let sink = AccountSink(name: account.sourceName, pipeline: pipeline)
            return NFONAccount(
                name: account.sourceName,
                source: NFONSource(options: options, client: client, sink: sink, logger: log, clock: clock))
        }
    }

    /// Why the account is not ready, e.g. `nfon:K1234: login failed (401)`;
    /// nil while connected.
    var notReady: String? {
        let state = source.health.current
        return state.connected ? nil : "\(name): \(state.problem ?? "not connected")"
    }

    /// `nfon:K1234 connected` or `nfon:K1234 login failed (401)`.
    var status: String {
        let state = source.health.current
        return "\(name) \(state.connected ? "connected" : state.problem ?? "disconnected")"
    }
}
