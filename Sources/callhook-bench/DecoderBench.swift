import Calls
import Feeds
import Foundation
import Simulator

/// quality.md P8 (decoder part), issue 14 point 2: `NFONDecoder` against
/// Foundation's `JSONDecoder` on the same NFON call events, in the same run,
/// one core. The events are the simulator's traffic, encoded as the
/// simulator sends them; each decoder gets its best input form (JSONDecoder
/// a prepared `Data` and one reused instance, NFONDecoder the `String` the
/// SSE parser hands over). Rounds alternate; the best round of each counts.
/// Rates are events per CPU second of the benchmark thread (one core).
enum DecoderBench {
    /// The simulator's call events for `calls` calls, as SSE data strings.
    static func events(calls: Int) -> (texts: [String], events: [CallEvent]) {
        var options = TrafficGenerator.Options()
        options.extensions = 200
        options.rate = 50
        options.seed = 7
        options.calls = calls
        var generator = TrafficGenerator(options: options)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let start = EventTime(rfc3339: "2026-11-17T08:00:00Z")!
        var texts: [String] = []
        var events: [CallEvent] = []
        while let e = generator.next() {
            guard case .call(var c) = e.payload else { continue }
            c.updated = (start + e.at).rfc3339()
            events.append(c)
            texts.append(String(decoding: (try? encoder.encode(c)) ?? Data(), as: UTF8.self))
        }
        return (texts, events)
    }

    /// Events/s JSONDecoder decodes, best of `rounds`.
    static func jsonDecoderRate(_ data: [Data], rounds: Int = 3) -> Double {
        let decoder = JSONDecoder()
        var best = 0.0
        for _ in 0..<rounds {
            var ok = 0
            let t = ThreadCPU.measure {
                for d in data where (try? decoder.decode(CallEvent.self, from: d)) != nil { ok += 1 }
            }
            precondition(ok == data.count, "JSONDecoder refused a generated event")
            best = max(best, Double(data.count) / t)
        }
        return best
    }

    static func nfonDecoderRate(_ texts: [String], rounds: Int = 3) -> Double {
        var best = 0.0
        for _ in 0..<rounds {
            var ok = 0
            let t = ThreadCPU.measure {
                for text in texts where (try? NFONDecoder.call(text)) != nil { ok += 1 }
            }
            precondition(ok == texts.count, "NFONDecoder refused a generated event")
            best = max(best, Double(texts.count) / t)
        }
        return best
    }

    static func seconds(_ d: Duration) -> Double { Double(d.nanoseconds) / 1e9 }

    /// `callhook-bench decoder`.
    static func run(calls: Int = 60_000) {
        let (texts, events) = events(calls: calls)
        let data = texts.map { Data($0.utf8) }
        // Same results first: every event decodes to what was encoded, by both.
        var mismatches = 0
        let decoder = JSONDecoder()
        for (i, text) in texts.enumerated() {
            let a = try? NFONDecoder.call(text)
            let b = try? decoder.decode(CallEvent.self, from: data[i])
            if a == nil || a != b || a != events[i] { mismatches += 1 }
        }
        var json = 0.0
        var fast = 0.0
        for _ in 0..<2 {
            json = max(json, jsonDecoderRate(data, rounds: 2))
            fast = max(fast, nfonDecoderRate(texts, rounds: 2))
        }
        let bytes = texts.reduce(0) { $0 + $1.utf8.count }
        say(
            "decoder: \(texts.count) NFON call events of the simulator's traffic, \(bytes / texts.count) bytes on average, one core"
        )
        Metric.header()
        Metric.row(
            "decoder: NFONDecoder vs JSONDecoder", Metric.rate(fast) + " events/s", target: ">= 3 x JSONDecoder",
            baseline: Metric.rate(json) + " events/s", ratio: String(format: "%.2f", fast / json))
        Metric.emit("decoder_events_per_s", fast, "events/s")
        Metric.emit("decoder_jsondecoder_events_per_s", json, "events/s")
        Metric.emit("decoder_ratio", fast / json, "x", decimals: 2)
        Metric.emit("decoder_mismatches", Double(mismatches), "events")
    }
}
