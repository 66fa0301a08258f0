import Foundation

/// The benchmark's machine-readable output: one `NAME VALUE UNIT` line per
/// figure (NAME is `[a-z0-9_]+`, VALUE a plain decimal number, UNIT one
/// word), so that `make bench` can gather rows from every mode. Human
/// tables are printed besides them; their lines never have that shape.
enum Metric {
    static func emit(_ name: String, _ value: Double, _ unit: String, decimals: Int = 0) {
        say("\(name) \(String(format: "%.\(decimals)f", value)) \(unit)")
    }

    /// One row of a human table: what, measured, target, same-run baseline, ratio.
    static func row(_ what: String, _ measured: String, target: String, baseline: String = "", ratio: String = "") {
        func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
        say(
            "| " + pad(what, 34) + " | " + pad(measured, 22) + " | " + pad(target, 18) + " | " + pad(baseline, 22) + " | "
                + pad(ratio, 7) + " |")
    }

    static func header() {
        row("row", "measured", target: "target", baseline: "baseline (same run)", ratio: "ratio")
        say(
            "|" + String(repeating: "-", count: 36) + "|" + String(repeating: "-", count: 24) + "|"
                + String(repeating: "-", count: 20) + "|" + String(repeating: "-", count: 24) + "|"
                + String(repeating: "-", count: 9) + "|")
    }

    static func rate(_ v: Double) -> String { String(format: "%.0f", v) }
}

/// CPU time of the calling thread: rates "on one core" are events per CPU
/// second, so that other processes on a shared machine do not count.
enum ThreadCPU {
    static func seconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// CPU seconds `body` takes on this thread.
    static func measure(_ body: () -> Void) -> Double {
        let start = seconds()
        body()
        return seconds() - start
    }
}
