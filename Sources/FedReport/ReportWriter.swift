import FedEnergy
import FedLedger
import Foundation

/// Writes a run's report into its folder: `report.html` (self-contained, inline SVG), `report.md`,
/// `rounds.csv` and `report.json` (the comparison's numbers).
public enum ReportWriter {
    /// Renders and writes every file; returns the HTML's path.
    @discardableResult
    public static func write(_ comparison: EnergyComparison) throws -> String {
        let folder = URL(fileURLWithPath: comparison.artifacts.directory)
        try html(comparison).write(to: folder.appendingPathComponent("report.html"), atomically: true, encoding: .utf8)
        try markdown(comparison).write(to: folder.appendingPathComponent("report.md"), atomically: true, encoding: .utf8)
        try csv(comparison).write(to: folder.appendingPathComponent("rounds.csv"), atomically: true, encoding: .utf8)
        try writeJSON(ComparisonNumbers(comparison), to: comparison.artifacts.directory, name: "report.json")
        return folder.appendingPathComponent("report.html").path
    }

    static func jobLine(_ c: EnergyComparison) -> String {
        let job = c.artifacts.summary.job
        let differences = c.artifacts.records.flatMap(\.clients).contains { $0.downlinkDifference == true } ? " as differences" : ""
        return "\(job.model) on \(job.dataset), \(job.clientCount) clients, \(c.artifacts.summary.roundsCompleted) rounds, "
            + "partition \(job.partition), strategy \(c.artifacts.summary.strategy), codec up \(job.uplinkCodec) down \(job.downlinkCodec)\(differences); "
            + "devices \(c.device.name), link \(c.link.name), datacenter \(c.datacenter.name), grid \(c.grid.name)"
    }

    static func markdown(_ c: EnergyComparison) -> String {
        """
        # FedWatt report

        \(jobLine(c))

        **Verdict.** \(c.verdict)

        \(c.keyNumbers.markdown)

        \(c.breakEvenText)

        ## Compute accounting

        \(c.computeAccounting.markdown)

        Charts: see report.html.

        ## Sensitivity over links

        \(c.linkSensitivity.markdown)

        ## Sensitivity over grids (link \(c.link.name))

        \(c.gridSensitivity.markdown)
        \(c.widerNetworkTable.map { "\n## Wider network (a range, outside the verdict)\n\n\($0.markdown)\n\n\(c.widerNetworkText ?? "")\n" } ?? "")

        ## Rounds

        \(c.perRound.markdown)

        ## Constants used

        \(c.constants.markdown)

        """
    }

    static func html(_ c: EnergyComparison) -> String {
        let records = c.artifacts.records
        let baseline = c.artifacts.baseline
        let upload = c.centralizedSamePasses.communicationJoules
        let energyChart = SVGChart.lines(
            title: "Test accuracy against cumulative energy", xLabel: "cumulative energy (J)", yLabel: "test accuracy",
            series: [
                SVGChart.Series(name: "federated (\(c.link.name), \(c.device.name))", color: "#1f77b4",
                    points: zip(c.federated.cumulativeJoules, records).map { ($0, $1.testAccuracy) }),
                SVGChart.Series(name: "centralized (\(c.datacenter.name) datacenter + raw upload)", color: "#d62728",
                    points: zip(c.centralizedComputeByEpoch, baseline.records).map { (upload + $0, $1.testAccuracy) }),
            ])
        let bytesChart = SVGChart.lines(
            title: "Test accuracy against cumulative uplink bytes", xLabel: "cumulative uplink (MB)", yLabel: "test accuracy",
            series: [SVGChart.Series(name: "federated, codec \(c.artifacts.summary.job.uplinkCodec)", color: "#1f77b4",
                points: records.map { (Double($0.cumulativeUplinkBytes) / 1e6, $0.testAccuracy) })])
        let stacked = SVGChart.stackedBars(
            title: "Energy by link profile: compute against communication", yLabel: "energy (J)",
            groups: c.perLink.map { entry in
                (entry.link.name, [
                    ("federated", [
                        SVGChart.Segment(name: "device compute", value: entry.federated.computeJoules, color: "#1f77b4"),
                        SVGChart.Segment(name: "radio transfer", value: entry.federated.transferJoules, color: "#ff7f0e"),
                        SVGChart.Segment(name: "radio tail/promotion", value: entry.federated.overheadJoules, color: "#ffbb78"),
                    ]),
                    ("central", [
                        SVGChart.Segment(name: "datacenter compute", value: entry.centralized.computeJoules, color: "#d62728"),
                        SVGChart.Segment(name: "raw-data upload", value: entry.centralized.uploadTransferJoules, color: "#9467bd"),
                        SVGChart.Segment(name: "upload tail/promotion", value: entry.centralized.uploadOverheadJoules, color: "#c5b0d5"),
                    ]),
                ])
            })
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"/><title>FedWatt report</title>
            <style>
            body { font-family: sans-serif; max-width: 980px; margin: 2em auto; color: #222; line-height: 1.45; }
            table { border-collapse: collapse; margin: 0.8em 0; font-size: 13px; }
            th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: right; }
            th:first-child, td:first-child { text-align: left; }
            .verdict { background: #f3f7fb; border-left: 4px solid #1f77b4; padding: 0.6em 1em; }
            svg.chart { display: block; margin: 1em 0; }
            </style></head><body>
            <h1>FedWatt report</h1>
            <p>\(escape(jobLine(c)))</p>
            <p class="verdict" id="verdict"><strong>Verdict.</strong> \(escape(c.verdict))</p>
            \(c.keyNumbers.html)
            <p id="break-even">\(escape(c.breakEvenText))</p>
            <h2>Compute accounting</h2>
            \(c.computeAccounting.html)
            \(energyChart)
            \(bytesChart)
            \(stacked)
            <h2>Sensitivity over links</h2>
            \(c.linkSensitivity.html)
            <h2>Sensitivity over grids (link \(escape(c.link.name)))</h2>
            \(c.gridSensitivity.html)
            \(c.widerNetworkTable.map { "<h2>Wider network (a range, outside the verdict)</h2>\n\($0.html)\n<p id=\"wider-network\">\(escape(c.widerNetworkText ?? ""))</p>" } ?? "")
            <h2>Rounds</h2>
            \(c.perRound.html)
            <h2>Constants used</h2>
            <p>Every figure above is a measured byte count, FLOP count or CPU-second times one of these constants. Sources beginning with "assumption" have no primary source.</p>
            \(c.constants.html)
            </body></html>

            """
    }

    static func csv(_ c: EnergyComparison) -> String {
        var lines = ["round,attempt,status,selected,completed,test_accuracy,test_loss,uplink_bytes,downlink_bytes,compute_joules,communication_joules,total_joules,cumulative_joules,grams_co2e,wall_seconds"]
        for r in c.artifacts.records {
            lines.append([
                "\(r.round)", "\(r.attempt)", r.status.rawValue, "\(r.selected.count)", "\(r.completed.count)", "\(r.testAccuracy)", "\(r.testLoss)",
                "\(r.clients.reduce(0) { $0 + $1.bytesRead })", "\(r.clients.reduce(0) { $0 + $1.bytesWritten })",
                "\(r.energy.computeJoules)", "\(r.energy.communicationJoules)", "\(r.energy.totalJoules)", "\(r.energy.cumulativeJoules)",
                "\(r.energy.gramsCO2e)", "\(r.wallSeconds)",
            ].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The comparison's numbers as `report.json`.
struct ComparisonNumbers: Codable {
    var verdict: String
    var device: String
    var link: String
    var datacenter: String
    var grid: String
    /// The centralized compute under every method, the RAPL measurement and the GPU model.
    var datacenterAccounting: DatacenterAccounting
    /// The federated compute on the device's other power basis.
    var federatedComputeOnOtherBasis: [String: Double]
    var federated: FederatedEnergy
    var centralizedSamePasses: CentralizedEnergy
    var centralizedToTarget: CentralizedEnergy?
    var breakEvenKilobitsPerJoule: Double?
    var perLink: [String: [String: Double]]
    /// Low and high wider-network joules for each side's bytes (absent without a range in the profiles).
    var widerNetworkJoules: [String: [Double]]?

    init(_ c: EnergyComparison) {
        verdict = c.verdict
        device = c.device.name
        link = c.link.name
        datacenter = c.datacenter.name
        grid = c.grid.name
        datacenterAccounting = c.datacenterAccounting
        federatedComputeOnOtherBasis = [c.federatedComputeOnOtherBasis.basis.rawValue: c.federatedComputeOnOtherBasis.joules]
        federated = c.federated
        centralizedSamePasses = c.centralizedSamePasses
        centralizedToTarget = c.centralizedToTarget
        breakEvenKilobitsPerJoule = c.breakEvenBitsPerJoule.map { $0 / 1e3 }
        widerNetworkJoules = c.widerNetwork.map {
            ["federated": [$0.federated.lowerBound, $0.federated.upperBound], "centralized": [$0.centralized.lowerBound, $0.centralized.upperBound]]
        }
        perLink = Dictionary(uniqueKeysWithValues: c.perLink.map {
            ($0.link.name, ["federatedJoules": $0.federated.totalJoules, "centralizedJoules": $0.centralized.totalJoules])
        })
    }
}
