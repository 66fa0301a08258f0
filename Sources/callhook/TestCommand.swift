import ArgumentParser
import Callhook
import Foundation
import RuleEngine

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Dry-run recorded events through the rules: phases, classes, matched rules, rendered requests (secrets masked)."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Rules directory.")
    var rules: String = "Rules"

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Option(help: "A JSON file of lookup answers (number → array of contacts) to use where callhook would look a caller up.")
    var lookup: String?

    @Argument(help: "A JSONL file of NFON call and state objects, one per line.")
    var events: String

    func run() throws {
        let set: RuleSet
        switch RuleFiles.load(directory: rules, missingEnvironment: .warning) {
        case .success(let s): set = s
        case .failure(let e): throw CommandFailure.invalidInput(e.description)
        }
        guard let data = FileManager.default.contents(atPath: events) else {
            throw CommandFailure.invalidInput("\(events): error: cannot be read")
        }
        var answers: [String: PartyLookup?] = [:]
        if let lookup {
            guard let data = FileManager.default.contents(atPath: lookup) else {
                throw CommandFailure.invalidInput("\(lookup): error: cannot be read")
            }
            do { answers = try DryRun.lookupAnswers(data, file: lookup) } catch {
                throw CommandFailure.invalidInput("\(error)")
            }
        }
        let dry = DryRun(rules: set, lookups: answers)
        let steps: [DryRun.Step]
        do {
            steps = try dry.run(jsonl: String(decoding: data, as: UTF8.self), file: events)
        } catch {
            throw CommandFailure.invalidInput(error.description)
        }
        if json {
            let out = try JSONSerialization.data(
                withJSONObject: dry.json(steps), options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: out, as: UTF8.self))
        } else {
            for w in set.warnings { FileHandle.standardError.write(Data((w.description + "\n").utf8)) }
            print(dry.text(steps, file: events), terminator: "")
            print(
                "\(steps.count) phases fired, \(steps.reduce(0) { $0 + $1.result.matchedRules.count }) rule matches, \(steps.reduce(0) { $0 + $1.result.requests.count }) requests"
            )
        }
    }
}
