import CDispatchFloor
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// P3's pipeline in C, with nothing of callhook around it (`CDispatchFloor`):
/// each delivery inserted into SQLite with a unique id and committed, sent
/// through one libcurl multi handle, then marked delivered. What SQLite and
/// libcurl alone reach on this machine against the same nginx, so that P3
/// reads against its upper bound as well as against wrk (docs/benchmarks.md).
///
/// It is an upper bound, not a like-for-like dispatcher. Besides having no
/// rules, templates, retries, attempt rows or per-call order, its table has
/// four columns and one index (the unique id), so marking a delivery done
/// maintains no index; it hands committed deliveries to the sender in
/// memory instead of reading them back; and it sends one header.
enum DispatchFloorBench {
    /// Inserts per transaction, and the most deliveries inserted and not yet
    /// marked delivered: large enough that the C pipeline's sender never
    /// waits for its writer (with 100 and 256 it read about 55,000 instead
    /// of 80,000 deliveries/s).
    static let batch: Int32 = 1000
    static let window: Int32 = 4096

    /// The orchestrator: runs the child and reports the row, with the CPU
    /// nginx spent on the same requests and the cores this pipeline and
    /// nginx would need together at 0.5 × wrk (P3's target). That figure is
    /// a lower bound: the CPU per delivery is measured at full speed, where
    /// batching spreads the fixed costs furthest.
    static func run(sinkURL: String, wrk: Double, p3: Double, nginxCPU: () -> Double?) throws {
        let count = Double(DeliveryBench.count)
        let nginxBefore = nginxCPU()
        let figures = try DeliveryBench.childFigures(["floor-run", sinkURL])
        let (rate, cpu) = (figures[0], figures[1])
        var nginxText = "nginx's CPU not readable"
        var coresText = ""
        if let before = nginxBefore, let after = nginxCPU() {
            let nginx = (after - before) / count * 1e6
            let cores = 0.5 * wrk * (cpu + nginx) / 1e6
            nginxText = String(format: "nginx %.1f µs per request", nginx)
            coresText = String(format: ", %.2f cores at 0.5 × wrk", cores)
            say(
                String(
                    format: "at 0.5 × wrk (%.0f deliveries/s) it and nginx would need at least %.2f cores; this machine has %d",
                    0.5 * wrk, cores, ProcessInfo.processInfo.activeProcessorCount))
        }
        say(
            String(
                format: "P3's pipeline in C:       %8.0f deliveries/s, %.1f µs of CPU per delivery (%@); "
                    + "ratio to wrk %.2f; P3 / C %.2f",
                rate, cpu, nginxText, rate / wrk, p3 / rate))
        BenchRow(
            "P3-C", "P3's pipeline in C (SQLite + one libcurl multi handle, nothing else), \(Int(count)) deliveries",
            measured: String(
                format: "%.0f deliveries/s; CPU per delivery %.1f µs + %@%@; P3 reaches %.2f of it", rate, cpu, nginxText,
                coresText, p3 / rate),
            target: "— (upper bound for P3)", baseline: String(format: "wrk -t2 -c64: %.0f req/s", wrk),
            ratio: String(format: "%.2f", rate / wrk)
        ).emit()
    }

    /// In the child: prints "RATE CPU_US_PER_DELIVERY".
    static func runChild(sinkURL: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("callhook-bench-floor-\(getpid())")
        Spawned.removeOnSignal(dir)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var result = callhook_floor_result()
        var error = [CChar](repeating: 0, count: 512)
        let status = Bench.body.withUnsafeBufferPointer { body in
            body.withMemoryRebound(to: CChar.self) { text in
                callhook_dispatch_floor(
                    sinkURL, dir.appendingPathComponent("queue.sqlite").path, Int32(DeliveryBench.count),
                    Int32(DeliveryBench.concurrency), batch, window, 30_000, text.baseAddress, text.count, &result, &error,
                    error.count)
            }
        }
        guard status == 0 else {
            throw BenchError(
                message: "P3's pipeline in C failed: "
                    + String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        say(String(format: "%.1f %.2f", result.deliveries_per_second, result.cpu_us_per_delivery))
    }
}
