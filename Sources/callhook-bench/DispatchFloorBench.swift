import CDispatchFloor
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// P3's pipeline in C, with nothing of callhook around it (`CDispatchFloor`):
/// each delivery inserted into SQLite with a unique id and committed, sent
/// through one libcurl multi handle, then marked delivered. No rules, no
/// templates, no retries, no attempt rows, no order: what SQLite and libcurl
/// alone reach on this machine against the same nginx, so that P3 reads
/// against its upper bound as well as against wrk (docs/benchmarks.md).
enum DispatchFloorBench {
    /// Inserts per transaction and the most deliveries inserted and not yet
    /// marked delivered: as many as the daemon's queue lets wait for one
    /// commit (4,096), so the C pipeline is never held back by its writer.
    static let batch: Int32 = 1000
    static let window: Int32 = 4096

    /// The orchestrator: runs the child and reports the row, with the CPU
    /// nginx spent on the same requests and the cores this pipeline and
    /// nginx would need together at 0.5 × wrk (P3's target).
    static func run(sinkURL: String, wrk: Double, p3: Double, nginxCPU: () -> Double) throws {
        let count = Double(DeliveryBench.count)
        let nginxBefore = nginxCPU()
        let (rate, cpu) = try DeliveryBench.child(["floor-run", sinkURL])
        let nginx = (nginxCPU() - nginxBefore) / count * 1e6
        let cores = 0.5 * wrk * (cpu + nginx) / 1e6
        say(
            String(
                format: "P3's pipeline in C:       %8.0f deliveries/s, %.1f µs of CPU per delivery (nginx %.1f µs per request); "
                    + "ratio to wrk %.2f; P3 / C %.2f",
                rate, cpu, nginx, rate / wrk, p3 / rate))
        say(
            String(
                format: "at 0.5 × wrk (%.0f deliveries/s) it and nginx would need %.2f cores; this machine has %d",
                0.5 * wrk, cores, ProcessInfo.processInfo.activeProcessorCount))
        BenchRow(
            "P3-C", "P3's pipeline in C (SQLite + one libcurl multi handle, nothing else), \(Int(count)) deliveries",
            measured: String(
                format:
                    "%.0f deliveries/s; CPU per delivery %.1f µs + nginx %.1f µs, %.2f cores at 0.5 × wrk; P3 reaches %.2f of it",
                rate, cpu, nginx, cores, p3 / rate),
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
                    Int32(DeliveryBench.concurrency), batch, window, text.baseAddress, text.count, &result, &error, error.count)
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
