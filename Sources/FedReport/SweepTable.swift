import FedCodec
import FedLedger
import Foundation

/// One uplink and downlink pipeline pair's outcome in a sweep, read back from its run's ledger and summary.
public struct SweepRow: Encodable, Sendable {
    /// The uplink pipeline (in JSON, its SPEC text).
    public var codec: CodecSpec
    /// The downlink pipeline (in JSON, its SPEC text).
    public var downlinkCodec: CodecSpec
    var finalAccuracy: Double
    var uplinkBytes: Int
    var downlinkBytes: Int
    /// Both ways, counted at the coordinator's sockets.
    var totalBytes: Int { uplinkBytes + downlinkBytes }
    /// Every accepted update's size after each stage, summed (raw is what float32 would have taken).
    var uplinkStages: StageSizes
    /// Every round start's model as sent, after each stage, summed.
    var downlinkStages: StageSizes
    /// The federated run's energy: the devices' compute and radio, every round.
    var totalJoules: Double
    /// Socket bytes sent up until the first round whose accuracy reached the target (nil: never).
    var uplinkBytesToTarget: Int?
    var roundToTarget: Int?
    var meanRoundSeconds: Double
    var wholeSeconds: Double
    /// Whether no other row of the sweep reaches at least this accuracy with fewer bytes both ways
    /// (or a higher accuracy with as few): the Pareto front of bytes against accuracy.
    public internal(set) var onParetoFront = false

    /// Accuracy after each completed round against the bytes sent both ways so far (for the chart).
    var accuracyByBytes: [(megabytes: Double, accuracy: Double)]

    private enum CodingKeys: String, CodingKey {
        case codec, downlinkCodec, finalAccuracy, uplinkBytes, downlinkBytes, uplinkStages, downlinkStages, totalJoules
        case uplinkBytesToTarget, roundToTarget, meanRoundSeconds, wholeSeconds, onParetoFront
    }

    /// Reads the run of the pair `codec` (uplink) and `downlinkCodec` in `directory`.
    public init(codec: CodecSpec, downlinkCodec: CodecSpec, directory: String, targetAccuracy: Double, wholeSeconds: Double) throws {
        let (summary, records) = try RunArtifacts.federatedRun(in: directory)
        accuracyByBytes = records.filter { $0.status == .completed }.compactMap { record in
            record.testAccuracy.map { (Double(record.cumulativeUplinkBytes + record.cumulativeDownlinkBytes) / 1e6, $0) }
        }
        let reached = records.first { $0.status == .completed && ($0.testAccuracy ?? 0) >= targetAccuracy }
        self.codec = codec
        self.downlinkCodec = downlinkCodec
        finalAccuracy = summary.finalAccuracy
        uplinkBytes = summary.uplinkBytes
        downlinkBytes = summary.downlinkBytes
        uplinkStages = summary.uplinkStages
        downlinkStages = summary.downlinkStages
        totalJoules = summary.totalJoules
        uplinkBytesToTarget = reached?.cumulativeUplinkBytes
        roundToTarget = reached?.round
        meanRoundSeconds = records.isEmpty ? 0 : summary.roundsWallSeconds / Double(records.count)
        self.wholeSeconds = wholeSeconds
    }
}

/// The comparison a sweep prints and writes as `sweep.md` and `sweep.html`.
public struct SweepTable {
    /// The rows, each marked on or off the Pareto front.
    public private(set) var rows: [SweepRow]
    /// The accuracy whose cost in uplink bytes the table reports.
    public var targetAccuracy: Double
    /// Whether every row sent the model as differences (`--downlink-delta`).
    public var downlinkDifferences: Bool

    /// Creates the comparison of `rows` and marks its Pareto front.
    public init(rows: [SweepRow], targetAccuracy: Double, downlinkDifferences: Bool = false) {
        let front = ParetoFront.members(rows.map { ($0.totalBytes, $0.finalAccuracy) })
        self.rows = zip(rows, front).map { row, onFront in
            var marked = row
            marked.onParetoFront = onFront
            return marked
        }
        self.targetAccuracy = targetAccuracy
        self.downlinkDifferences = downlinkDifferences
    }

    /// The row both ways uncompressed, if the sweep ran it: what the others are compared with.
    var baseline: SweepRow? { rows.first { $0.codec == CodecSpec.none && $0.downlinkCodec == CodecSpec.none } }

    /// The table as Markdown.
    public var markdown: String {
        let baseline = baseline
        var lines = [
            "Downlink \(downlinkDifferences ? "as differences from the clients' reference" : "as whole models"). "
                + "Bytes are counted at the coordinator's sockets, framing included; energy is the federated run's "
                + "(devices' compute and radio). Pareto: no other pair reaches as high an accuracy with fewer bytes both ways.",
            "",
            "| uplink | downlink | final accuracy | vs none (pp) | uplink bytes | downlink bytes | total bytes | total vs none "
                + "| energy J | uplink bytes to \(String(format: "%.3f", targetAccuracy)) (round) | mean round s | Pareto |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        ]
        for row in rows {
            let accuracyChange = baseline.map { String(format: "%+.2f", 100 * (row.finalAccuracy - $0.finalAccuracy)) } ?? "—"
            let totalRatio = baseline.map { String(format: "1/%.1f", Double($0.totalBytes) / Double(max(row.totalBytes, 1))) } ?? "—"
            let toTarget = row.uplinkBytesToTarget.map { "\($0) (\(row.roundToTarget!))" } ?? "not reached"
            lines.append(
                "| \(row.codec) | \(row.downlinkCodec) | \(String(format: "%.4f", row.finalAccuracy)) | \(accuracyChange) | "
                    + "\(row.uplinkBytes) | \(row.downlinkBytes) | \(row.totalBytes) | \(totalRatio) | "
                    + "\(String(format: "%.1f", row.totalJoules)) | \(toTarget) | \(String(format: "%.3f", row.meanRoundSeconds)) | "
                    + "\(row.onParetoFront ? "yes" : "") |")
        }
        return lines.joined(separator: "\n")
    }
}

extension SweepTable {
    /// One self-contained page: the table, and test accuracy against cumulative bytes both ways with
    /// one line per pair (on a log scale: the pipelines differ by orders of magnitude), named in a
    /// list of colors under the chart that marks the Pareto front.
    public var html: String {
        let colors = [
            "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
            "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2", "#dbdb8d", "#9edae5", "#393b79",
        ]
        let series = rows.enumerated().map { index, row in
            SVGChart.Series(
                name: "\(row.codec) / \(row.downlinkCodec)" + (row.onParetoFront ? " (Pareto)" : ""), color: colors[index % colors.count],
                points: row.accuracyByBytes.filter { $0.megabytes > 0 }.map { (log10($0.megabytes), $0.accuracy) })
        }
        let chart = SVGChart.lines(
            title: "Test accuracy against cumulative bytes both ways", xLabel: "cumulative uplink + downlink (MB, log scale)",
            yLabel: "test accuracy", series: series, xFromZero: false, xTickLabel: { String(format: "%g", pow(10, $0)) },
            legend: false)
        let legend = series.map { #"<li><span style="color: \#($0.color)">&#9632;</span> \#(escape($0.name))</li>"# }.joined()
        let table = ReportTable(
            header: ["uplink", "downlink", "final accuracy", "uplink bytes", "downlink bytes", "total bytes", "energy J",
                "uplink bytes to target", "mean round s", "Pareto"],
            rows: rows.map { row in
                [row.codec.description, row.downlinkCodec.description, String(format: "%.4f", row.finalAccuracy), "\(row.uplinkBytes)", "\(row.downlinkBytes)",
                 "\(row.totalBytes)", String(format: "%.1f", row.totalJoules), row.uplinkBytesToTarget.map(String.init) ?? "not reached",
                 String(format: "%.3f", row.meanRoundSeconds), row.onParetoFront ? "yes" : ""]
            })
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"/><title>FedWatt codec sweep</title>
            <style>body { font-family: sans-serif; max-width: 980px; margin: 2em auto; } table { border-collapse: collapse; font-size: 13px; }
            th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: right; } th:first-child, td:first-child { text-align: left; }</style>
            </head><body><h1>FedWatt codec sweep</h1>
            <p>Downlink \(downlinkDifferences ? "as differences" : "as whole models"); target accuracy \(String(format: "%.3f", targetAccuracy)). \
            Bytes are counted at the coordinator's sockets.</p>
            \(table.html)
            \(chart)
            <ul style="list-style: none; columns: 2; font-size: 13px">\(legend)</ul>
            </body></html>

            """
    }
}
