import Foundation
import RuleEngine

/// Reads `--config FILE`, or the defaults of runtime.md without one.
enum ConfigFile {
    static func load(_ path: String?, missingEnvironment: RuleLoader.MissingEnvironment) throws -> DaemonConfig {
        guard let path else { return DaemonConfig() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure.invalidInput("\(path): error: the configuration file cannot be read")
        }
        switch DaemonConfig.load(
            path: path, text: String(decoding: data, as: UTF8.self), environment: ProcessInfo.processInfo.environment,
            missingEnvironment: missingEnvironment)
        {
        case .success(let c): return c
        case .failure(let e): throw CommandFailure.invalidInput(e.description)
        }
    }
}
