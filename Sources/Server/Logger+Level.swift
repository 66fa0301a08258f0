import Logging

extension Logger {
    /// This logger, logging nothing below `level` (the loopback servers
    /// report only warnings and worse).
    public func withLevel(_ level: Logger.Level) -> Logger {
        var l = self
        l.logLevel = max(level, l.logLevel)
        return l
    }
}
