import Foundation
import Synchronization

/// Masks values the configuration or the rules took from the environment
/// (as `callhook queue show` does), for the admin API. The rules' secrets
/// change with a reload.
final class SecretMasker: Sendable {
    private let config: Set<String>
    private let sorted = Mutex<[String]>([])

    init(config: Set<String>, rules: Set<String>) {
        self.config = config
        update(rules: rules)
    }

    func update(rules: Set<String>) {
        let all = config.union(rules).filter { $0.count >= 3 }.sorted { $0.count > $1.count }
        sorted.withLock { $0 = all }
    }

    func mask(_ text: String) -> String {
        sorted.withLock { $0 }.reduce(text) { $0.replacingOccurrences(of: $1, with: "***") }
    }
}
