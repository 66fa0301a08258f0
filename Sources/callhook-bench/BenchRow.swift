import Foundation

/// One row of `make bench`'s table. Every benchmark mode prints its rows as
/// `ROW<TAB>id<TAB>what<TAB>measured<TAB>target<TAB>baseline<TAB>ratio<TAB>verdict`
/// lines on stdout (besides its own text); `callhook-bench table` runs the
/// modes as children and collects these lines into one table. A new mode
/// only has to print such lines and be listed in `BenchTable.steps`.
struct BenchRow: Sendable {
    /// `P1`, `P3`, `E2E-stream`, …: rows are sorted by the table's order of ids.
    var id: String
    var what: String
    var measured: String
    var target: String
    var baseline: String = "—"
    var ratio: String = "—"
    /// `met`, `NOT MET`, or `—` (no target, or not measured).
    var verdict: String = "—"

    static func met(_ ok: Bool) -> String { ok ? "met" : "NOT MET" }

    var line: String {
        ["ROW", id, what, measured, target, baseline, ratio, verdict].map {
            $0.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " ")
        }.joined(separator: "\t")
    }

    /// Prints the row for the collector.
    func emit() { say(line) }

    init(
        _ id: String, _ what: String, measured: String, target: String, baseline: String = "—", ratio: String = "—",
        verdict: String = "—"
    ) {
        self.id = id
        self.what = what
        self.measured = measured
        self.target = target
        self.baseline = baseline
        self.ratio = ratio
        self.verdict = verdict
    }

    init?(line: Substring) {
        let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard f.count == 8, f[0] == "ROW" else { return nil }
        self.init(f[1], f[2], measured: f[3], target: f[4], baseline: f[5], ratio: f[6], verdict: f[7])
    }
}
