// Rule files are read with the Config module (TOML, problems, durations,
// DaemonConfig); every user of RuleEngine sees those types too.
@_exported import Config
