import ArgumentParser
import Callhook
import Logging

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    @Option(help: "Log format: text or json. Logs go to stderr.")
    var logFormat: LogFormat = .text

    enum LogFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    /// With `console`, log lines are printed above its live status line.
    func makeLogger(label: String = "callhook", console: Console? = nil) -> Logger {
        let level = logLevel
        let format = logFormat
        LoggingSetup.bootstrap(format: format == .json ? .json : .text, level: level, console: console)
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
