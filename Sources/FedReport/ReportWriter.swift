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
        try csv(records: comparison.artifacts.records, deviceClock: comparison.clients.deviceClock != nil).write(to: folder.appendingPathComponent("rounds.csv"), atomically: true, encoding: .utf8)
        try writeJSON(ComparisonNumbers(comparison), to: comparison.artifacts.directory, name: "report.json")
        return folder.appendingPathComponent("report.html").path
    }

    static func jobLine(_ c: EnergyComparison) -> String {
        let job = c.artifacts.summary.job
        let differences = c.artifacts.records.flatMap(\.clients).contains { $0.downlinkDifference == true } ? " as differences" : ""
        return "\(job.model) on \(job.dataset), \(job.clientCount) clients, \(c.artifacts.summary.roundsCompleted) rounds, "
            + "partition \(job.partition), strategy \(c.artifacts.summary.strategy), codec up \(job.uplinkCodec) down \(job.downlinkCodec)\(differences); "
            + "\(c.clients.jobPhrase), datacenter \(c.datacenter.name), grid \(c.grid.name)"
    }

    static func markdown(_ c: EnergyComparison) -> String {
        """
        # FedWatt report

        \(jobLine(c))

        **Verdict.** \(c.verdict)

        \(c.keyNumbers.markdown)\(c.uncertaintyMarkdown)

        \(c.breakEvenText)\(deviceClockMarkdown(c))

        ## Compute accounting

        \(c.computeAccounting.markdown)

        Charts: see report.html.

        ## Sensitivity over links

        \(c.clients.deviceClock == nil ? c.linkSensitivity.markdown : EnergyComparison.linkSensitivityLeftOut)

        ## Sensitivity over grids (\(c.clients.linkPhrase))

        \(c.gridSensitivity.markdown)
        \(c.widerNetworkTable.map { "\n## Wider network (a range, outside the verdict)\n\n\($0.markdown)\n\n\(c.widerNetworkText ?? "")\n" } ?? "")

        ## Rounds

        \(c.perRound.markdown)

        ## Constants used

        \(c.constants.markdown)

        """
    }

    /// A device-clock run's sections (device time, client classes, wasted energy), each heading
    /// preceded by a blank line; empty without a fleet.
    static func deviceClockMarkdown(_ c: EnergyComparison) -> String {
        guard let figures = c.clients.deviceClock else { return "" }
        return "\n\n## Device time\n\n\(c.deviceTimeTable(figures).markdown)\n\n\(c.deviceTimeText(figures))"
            + "\n\n## Client classes\n\n\(c.classTable(figures).markdown)\n\n\(EnergyComparison.classTableKey)\n\n**\(c.wastedText(figures))**"
    }

    /// The same sections in HTML, with the chart of accuracy against device time; each line
    /// preceded by a line break; empty without a fleet.
    static func deviceClockHTML(_ c: EnergyComparison) -> String {
        guard let figures = c.clients.deviceClock else { return "" }
        return "\n<h2>Device time</h2>\n\(c.deviceTimeTable(figures).html)\n<p id=\"device-time\">\(escape(c.deviceTimeText(figures)))</p>"
            + "\n\(c.accuracyOverDeviceTime(figures))\n<h2>Client classes</h2>\n\(c.classTable(figures).html)"
            + "\n<p>\(escape(EnergyComparison.classTableKey))</p>\n<p class=\"verdict\" id=\"wasted\">\(escape(c.wastedText(figures)))</p>"
    }

    /// The start of every report page, up to and including its title.
    static let htmlHead = """
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
        """

    static func html(_ c: EnergyComparison) -> String {
        let records = c.artifacts.records
        let baseline = c.artifacts.baseline
        let upload = c.centralizedSamePasses.communicationJoules
        let energyChart = SVGChart.lines(
            title: "Test accuracy against cumulative energy", xLabel: "cumulative energy (J)", yLabel: "test accuracy",
            series: [
                SVGChart.Series(name: c.clients.seriesName, color: "#1f77b4",
                    points: zip(c.federated.cumulativeJoules, records).compactMap { joules, record in record.testAccuracy.map { (joules, $0) } }),
                SVGChart.Series(name: "centralized (\(c.datacenter.name) datacenter + raw upload)", color: "#d62728",
                    points: zip(c.centralizedComputeByEpoch, baseline.records).map { (upload + $0, $1.testAccuracy) }),
            ])
        let bytesChart = SVGChart.lines(
            title: "Test accuracy against cumulative uplink bytes", xLabel: "cumulative uplink (MB)", yLabel: "test accuracy",
            series: [SVGChart.Series(name: "federated, codec \(c.artifacts.summary.job.uplinkCodec)", color: "#1f77b4",
                points: records.compactMap { record in record.testAccuracy.map { (Double(record.cumulativeUplinkBytes) / 1e6, $0) } })])
        /// Both sides' bars under one link profile, or under a fleet's own links.
        func bars(_ federated: FederatedEnergy, _ centralized: CentralizedEnergy) -> [(label: String, segments: [SVGChart.Segment])] {
            [
                ("federated", [SVGChart.Segment(name: "device compute", value: federated.computeJoules, color: "#1f77b4")]
                    + (federated.codecJoules.map { [SVGChart.Segment(name: "device codec work", value: $0, color: "#aec7e8")] } ?? []) + [
                    SVGChart.Segment(name: "radio transfer", value: federated.transferJoules, color: "#ff7f0e"),
                    SVGChart.Segment(name: "radio tail/promotion", value: federated.overheadJoules, color: "#ffbb78"),
                ]),
                ("central", [
                    SVGChart.Segment(name: "datacenter compute", value: centralized.computeJoules, color: "#d62728"),
                    SVGChart.Segment(name: "raw-data upload", value: centralized.uploadTransferJoules, color: "#9467bd"),
                    SVGChart.Segment(name: "upload tail/promotion", value: centralized.uploadOverheadJoules, color: "#c5b0d5"),
                ]),
            ]
        }
        let stacked = c.clients.deviceClock == nil
            ? SVGChart.stackedBars(
                title: "Energy by link profile: compute against communication", yLabel: "energy (J)",
                groups: c.perLink.map { ($0.link.name, bars($0.federated, $0.centralized)) })
            : SVGChart.stackedBars(
                title: "Energy on the fleet's own links: compute against communication", yLabel: "energy (J)",
                groups: [("the fleet's links", bars(c.federated, c.centralizedSamePasses))])
        return """
            \(htmlHead)
            <p>\(escape(jobLine(c)))</p>
            <p class="verdict" id="verdict"><strong>Verdict.</strong> \(escape(c.verdict))</p>
            \(c.keyNumbers.html)\(c.uncertaintyHTML)
            <p id="break-even">\(escape(c.breakEvenText))</p>
            <h2>Compute accounting</h2>
            \(c.computeAccounting.html)\(deviceClockHTML(c))
            \(energyChart)
            \(bytesChart)
            \(stacked)
            <h2>Sensitivity over links</h2>
            \(c.clients.deviceClock == nil ? c.linkSensitivity.html : "<p id=\"links-left-out\">\(escape(EnergyComparison.linkSensitivityLeftOut))</p>")
            <h2>Sensitivity over grids (\(escape(c.clients.linkPhrase)))</h2>
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

    /// One line per round attempt; on a device clock with its device interval, deadline, idle
    /// radios' tails and the fates of its clients' updates too; and its codec work where the ledger counted it.
    static func csv(records: [RoundRecord], deviceClock: Bool) -> String {
        let codec = records.contains { $0.energy.codecJoules != nil }
        var lines = ["round,attempt,status,selected,completed,test_accuracy,test_loss,uplink_bytes,downlink_bytes,compute_joules,communication_joules,total_joules,cumulative_joules,grams_co2e,wall_seconds"
            + (deviceClock ? ",device_start_seconds,device_end_seconds,device_deadline_seconds,idle_radio_tail_joules,aggregated,stragglers,not_needed,offline,not_aggregated_otherwise" : "")
            + (codec ? ",codec_joules" : "")]
        for r in records {
            var fields = [
                "\(r.round)", "\(r.attempt)", r.status.rawValue, "\(r.selected.count)", "\(r.completed.count)",
                r.testAccuracy.map { "\($0)" } ?? "", r.testLoss.map { "\($0)" } ?? "",
                "\(r.clients.reduce(0) { $0 + $1.bytesRead })", "\(r.clients.reduce(0) { $0 + $1.bytesWritten })",
                "\(r.energy.computeJoules)", "\(r.energy.communicationJoules)", "\(r.energy.totalJoules)", "\(r.energy.cumulativeJoules)",
                "\(r.energy.gramsCO2e)", "\(r.wallSeconds)",
            ]
            if deviceClock, let device = r.device {
                let fates = ClientFate.fates(in: r).values
                fields += ["\(device.interval.start)", "\(device.interval.end)", device.deadline.map { "\($0)" } ?? "", "\(device.idleRadioTailJoules)"]
                    + [ClientFate.aggregated, .straggler, .notNeeded, .offline, .otherwise].map { fate in "\(fates.filter { $0 == fate }.count)" }
            }
            if codec { fields.append("\(r.energy.codecJoules ?? 0)") }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
