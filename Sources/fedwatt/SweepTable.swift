import FedCodec
import FedCoordinator
import FedReport
import Foundation

/// One codec's outcome in a sweep, read back from its run's ledger and summary.
struct SweepRow: Codable {
    var codec: String
    var finalAccuracy: Double
    var uplinkBytes: Int
    var downlinkBytes: Int
    /// Every accepted update's size after each stage, summed (raw is what float32 would have taken).
    var uplinkStages: StageSizes
    /// Socket bytes sent up until the first round whose accuracy reached the target (nil: never).
    var uplinkBytesToTarget: Int?
    var roundToTarget: Int?
    var meanRoundSeconds: Double
    var wholeSeconds: Double

    init(codec: CodecSpec, directory: String, targetAccuracy: Double, wholeSeconds: Double) throws {
        let (summary, records) = try RunArtifacts.federatedRun(in: directory)
        let reached = records.first { $0.status == .completed && $0.testAccuracy >= targetAccuracy }
        self.codec = codec.description
        finalAccuracy = summary.finalAccuracy
        uplinkBytes = summary.uplinkBytes
        downlinkBytes = summary.downlinkBytes
        uplinkStages = summary.uplinkStages
        uplinkBytesToTarget = reached?.cumulativeUplinkBytes
        roundToTarget = reached?.round
        meanRoundSeconds = records.isEmpty ? 0 : summary.roundsWallSeconds / Double(records.count)
        self.wholeSeconds = wholeSeconds
    }
}

/// The comparison a sweep prints and writes as `sweep.md`.
struct SweepTable {
    var rows: [SweepRow]
    var targetAccuracy: Double
    var downlinkCodec: CodecSpec

    var markdown: String {
        let baseline = rows.first { $0.codec == "none" }
        var lines = [
            "Downlink codec: \(downlinkCodec). Uplink and downlink are bytes counted at the coordinator's sockets, framing included.",
            "",
            "| codec | final accuracy | vs none (pp) | uplink bytes | uplink vs none | payload / float32 | downlink bytes | uplink bytes to \(String(format: "%.3f", targetAccuracy)) (round) | mean round s |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for row in rows {
            let accuracyChange = baseline.map { String(format: "%+.2f", 100 * (row.finalAccuracy - $0.finalAccuracy)) } ?? "—"
            let uplinkRatio = baseline.map { String(format: "%.1fx fewer", Double($0.uplinkBytes) / Double(max(row.uplinkBytes, 1))) } ?? "—"
            let payloadRatio = String(format: "1/%.1f", Double(row.uplinkStages.raw) / Double(max(row.uplinkStages.encoded, 1)))
            let toTarget = row.uplinkBytesToTarget.map { "\($0) (\(row.roundToTarget!))" } ?? "not reached"
            lines.append(
                "| \(row.codec) | \(String(format: "%.4f", row.finalAccuracy)) | \(accuracyChange) | \(row.uplinkBytes) | \(uplinkRatio) | "
                    + "\(payloadRatio) | \(row.downlinkBytes) | \(toTarget) | \(String(format: "%.3f", row.meanRoundSeconds)) |")
        }
        return lines.joined(separator: "\n")
    }
}
