import ArgumentParser
import Callhook
import Foundation
import RuleEngine

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate a rule set and summarize it.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Rules directory.")
    var rules: String = "Rules"

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() throws {
        switch RuleFiles.load(directory: rules, missingEnvironment: .warning) {
        case .success(let set):
            if json {
                let object: [String: Any] = [
                    "valid": true,
                    "lists": Dictionary(uniqueKeysWithValues: set.lists.map { ($0.key, $0.value.count) }),
                    "schedules": set.schedules.keys.sorted(),
                    "classes": set.classes.map(\.name),
                    "targets": set.targets.keys.sorted(),
                    "rules": set.rules.map(\.name),
                    "warnings": set.warnings.map(\.description),
                ]
                print(Self.json(object))
            } else {
                for w in set.warnings { print(w.description) }
                let enabled = set.rules.filter(\.enabled).count
                print(
                    "\(rules): ok — \(set.lists.count) lists (\(set.lists.values.reduce(0) { $0 + $1.count }) entries), \(set.schedules.count) schedules, \(set.classes.count) classes, \(set.targets.count) targets, \(set.rules.count) rules (\(enabled) enabled)"
                )
                for r in set.rules {
                    let phases = r.on.map(\.rawValue).sorted().joined(separator: ",")
                    let hooks = r.webhooks.map(\.target).joined(separator: ", ")
                    print("  rule \(r.name): on \(phases)\(hooks.isEmpty ? "" : " → \(hooks)")\(r.enabled ? "" : " (disabled)")")
                }
            }
        case .failure(let error):
            if json {
                print(Self.json(["valid": false, "problems": error.problems.map(\.description)]))
            } else {
                for p in error.problems { print(p.description) }
            }
            throw ExitCode(1)
        }
    }

    static func json(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
