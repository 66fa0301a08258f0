import Foundation

/// One round of an end-to-end row: the daemon's events/s and the wrk run
/// that opened the round (`EndToEndBench.run`: wrk, then the stream, then
/// ingest).
struct EndToEndRound {
    var rate: Double
    var wrk: Double
    var peakMB: Double
    var ratio: Double { rate / wrk }

    /// The round with the median ratio (the middle one of an odd count).
    static func median(_ rounds: [EndToEndRound]) -> EndToEndRound {
        rounds.sorted { $0.ratio < $1.ratio }[rounds.count / 2]
    }

    /// `; median of 3 rounds (ratios 0.155, 0.148, 0.161)`, in the order
    /// the rounds ran; nothing for one round.
    static func summary(_ rounds: [EndToEndRound]) -> String {
        guard rounds.count > 1 else { return "" }
        let ratios = rounds.map { String(format: "%.3f", $0.ratio) }.joined(separator: ", ")
        return "; median of \(rounds.count) rounds (ratios \(ratios))"
    }
}
