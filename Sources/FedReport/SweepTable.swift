import FedCodec
import FedLedger
import Foundation

/// One codec's outcome in a sweep, read back from its run's ledger and summary.
public struct SweepRow: Encodable, Sendable {
    public var codec: String
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

    /// Accuracy after each completed round against the uplink bytes sent so far (for the chart).
    var accuracyByUplink: [(megabytes: Double, accuracy: Double)]

    private enum CodingKeys: String, CodingKey {
        case codec, finalAccuracy, uplinkBytes, downlinkBytes, uplinkStages, uplinkBytesToTarget, roundToTarget, meanRoundSeconds, wholeSeconds
    }

    /// Reads the run of `codec` in `directory`.
    public init(codec: CodecSpec, directory: String, targetAccuracy: Double, wholeSeconds: Double) throws {
        let (summary, records) = try RunArtifacts.federatedRun(in: directory)
        accuracyByUplink = records.filter { $0.status == .completed }.map { (Double($0.cumulativeUplinkBytes) / 1e6, $0.testAccuracy) }
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

/// The comparison a sweep prints and writes as `sweep.md` and `sweep.html`.
public struct SweepTable {
    public var rows: [SweepRow]
    public var targetAccuracy: Double
    /// How every row sent the model to clients: the downlink codec, and whether as differences.
    public var downlink: String

    /// Creates the comparison of `rows`.
    public init(rows: [SweepRow], targetAccuracy: Double, downlinkCodec: CodecSpec, downlinkDifferences: Bool = false) {
        self.rows = rows
        self.targetAccuracy = targetAccuracy
        downlink = downlinkCodec.description + (downlinkDifferences ? " as differences" : "")
    }

    /// The table as Markdown.
    public var markdown: String {
        let baseline = rows.first { $0.codec == "none" }
        var lines = [
            "Downlink codec: \(downlink). Uplink and downlink are bytes counted at the coordinator's sockets, framing included.",
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

extension SweepTable {
    /// One self-contained page: the table, and test accuracy against cumulative uplink bytes with
    /// one line per codec (on a log scale: the codecs differ by orders of magnitude).
    public var html: String {
        let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
        let series = rows.enumerated().map { index, row in
            SVGChart.Series(
                name: row.codec, color: colors[index % colors.count],
                points: row.accuracyByUplink.filter { $0.megabytes > 0 }.map { (log10($0.megabytes), $0.accuracy) })
        }
        let chart = SVGChart.lines(
            title: "Test accuracy against cumulative uplink bytes", xLabel: "cumulative uplink (MB, log scale)",
            yLabel: "test accuracy", series: series, xFromZero: false, xTickLabel: { String(format: "%g", pow(10, $0)) })
        let table = ReportTable(
            header: ["codec", "final accuracy", "uplink bytes", "downlink bytes", "payload / float32", "uplink bytes to target", "mean round s"],
            rows: rows.map { row in
                [row.codec, String(format: "%.4f", row.finalAccuracy), "\(row.uplinkBytes)", "\(row.downlinkBytes)",
                 String(format: "1/%.1f", Double(row.uplinkStages.raw) / Double(max(row.uplinkStages.encoded, 1))),
                 row.uplinkBytesToTarget.map(String.init) ?? "not reached", String(format: "%.3f", row.meanRoundSeconds)]
            })
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"/><title>FedWatt codec sweep</title>
            <style>body { font-family: sans-serif; max-width: 980px; margin: 2em auto; } table { border-collapse: collapse; font-size: 13px; }
            th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: right; } th:first-child, td:first-child { text-align: left; }</style>
            </head><body><h1>FedWatt codec sweep</h1>
            <p>Downlink codec \(escape(downlink)); target accuracy \(String(format: "%.3f", targetAccuracy)). Bytes are counted at the coordinator's sockets.</p>
            \(table.html)
            \(chart)
            </body></html>

            """
    }
}
