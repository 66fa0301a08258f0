import Foundation
import RuleEngine

/// Reads a rules directory: every `*.toml` below it, in sorted path order.
public enum RuleFiles {
    public struct ReadError: Error, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): error: \(message)" }
    }

    public static func read(directory: String) throws(ReadError) -> [RuleLoader.File] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir), isDir.boolValue else {
            throw ReadError(path: directory, message: "the rules directory does not exist")
        }
        guard let walker = FileManager.default.enumerator(atPath: directory) else {
            throw ReadError(path: directory, message: "the rules directory cannot be read")
        }
        var paths: [String] = []
        while let item = walker.nextObject() as? String {
            if item.hasSuffix(".toml") { paths.append(item) }
        }
        var files: [RuleLoader.File] = []
        for relative in paths.sorted() {
            let path = (directory as NSString).appendingPathComponent(relative)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ReadError(path: path, message: "cannot be read")
            }
            files.append(RuleLoader.File(path: path, text: String(decoding: data, as: UTF8.self)))
        }
        return files
    }

    /// Reads and loads a rule set with the process environment.
    public static func load(directory: String, missingEnvironment: RuleLoader.MissingEnvironment = .error) -> Result<
        RuleSet, RuleLoadError
    > {
        let files: [RuleLoader.File]
        do {
            files = try read(directory: directory)
        } catch {
            return .failure(RuleLoadError(problems: [RuleProblem(file: error.path, message: error.message)]))
        }
        return RuleLoader.load(
            files, environment: ProcessInfo.processInfo.environment, missingEnvironment: missingEnvironment,
            readFile: { path in FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } })
    }
}
