import FedEnergy
import FedLedger
import Foundation

/// The report of a run its clients evaluated, which has no centralized comparison: the job trained
/// an external model, which FedWatt cannot train on the pooled data, so there is no measured
/// baseline to set beside it. It shows the federated side alone: its energy (from the clients'
/// reported FLOPs and the socket bytes), its federated-evaluation accuracy, and its rounds.
public struct FederatedRunReport: Sendable {
    /// The run's folder.
    public var directory: String
    /// The ledger's round attempts.
    public var records: [RoundRecord]
    /// The coordinator's summary of the job.
    public var summary: JobSummary
    /// The profiles the coordinator accounted with.
    public var profiles: EnergyProfiles
    /// The run's energy as its ledger charged it (each client line's own, and a fleet's idle radios' tails).
    public var energy: FederatedEnergy

    /// Reads `ledger.jsonl`, `summary.json` and `profiles.json` from `directory`.
    public init(directory: String) throws {
        self.directory = directory
        (summary, records) = try RunArtifacts.federatedRun(in: directory)
        profiles = try RunArtifacts.profiles(in: directory)
        guard !records.isEmpty else { throw ReportError.inconsistent("the ledger has no rounds") }
        energy = EnergyComparison.federated(records)
    }

    /// Why the report compares nothing.
    public var noComparisonText: String {
        "No centralized comparison: the job trains \(summary.job.model), a model FedWatt does not implement, so FedWatt cannot "
            + "train it on the pooled data and there is no measured baseline to set beside the federated run. The energy below is "
            + "the federated side's alone."
    }

    /// What the compute figures rest on.
    public var flopsText: String {
        "Device compute is charged for the FLOPs the clients reported (client-reported): for an external model the coordinator "
            + "has no analytic count to check them against, as it does for FedWatt's own models, so these joules are only as "
            + "good as the clients' counting."
    }

    /// Which model each accuracy belongs to.
    public var evaluationText: String {
        "Accuracy is federated evaluation: in round r, each client whose update was accepted scored the model round r started "
            + "from (the model after round r − 1; 0 is the initial model) on its local test split, and the figure is the "
            + "example-weighted mean. The model the last round produced is not evaluated."
    }

    /// Renders and writes `report.html`, `report.md` and `rounds.csv`; returns the HTML's path.
    @discardableResult
    public func write() throws -> String {
        let folder = URL(fileURLWithPath: directory)
        try html.write(to: folder.appendingPathComponent("report.html"), atomically: true, encoding: .utf8)
        try markdown.write(to: folder.appendingPathComponent("report.md"), atomically: true, encoding: .utf8)
        try ReportWriter.csv(records: records, deviceClock: records.contains { $0.device != nil })
            .write(to: folder.appendingPathComponent("rounds.csv"), atomically: true, encoding: .utf8)
        return folder.appendingPathComponent("report.html").path
    }

    var jobLine: String {
        let job = summary.job
        return "\(job.model) (\(job.model.parameterCount) parameters) on \(job.dataset), \(job.clientCount) clients, "
            + "\(summary.roundsCompleted) rounds, partition \(job.partition), strategy \(summary.strategy), "
            + "codec up \(job.uplinkCodec) down \(job.downlinkCodec); grid \(summary.grid)"
    }

    /// The last federated evaluation and the whole run's energy.
    var keyNumbers: ReportTable {
        let last = records.last { $0.testAccuracy != nil }
        let accuracy = last.flatMap { record in
            record.testAccuracy.map { String(format: "%.4f (model %d)", $0, record.evaluation?.modelAfterRound ?? record.round) }
        } ?? "no evaluation"
        let linkBytes = records.flatMap(\.clients).reduce(0) { $0 + $1.bytesRead + $1.bytesWritten }
        return ReportTable(
            header: ["side", "federated-evaluation accuracy", "compute (client-reported FLOPs)", "communication", "total",
                     "g CO2e (\(summary.grid))", "bytes on the links"],
            rows: [[
                "federated (\(records.count) round attempts)", accuracy, joules(energy.computeJoules), joules(energy.communicationJoules),
                joules(energy.totalJoules), String(format: "%.3f", summary.gramsCO2e), bytes(Double(linkBytes)),
            ]])
    }

    /// One row per round attempt, straight from the ledger.
    var perRound: ReportTable {
        ReportTable(
            header: ["round", "status", "clients", "evaluated model", "accuracy", "test examples", "uplink bytes", "downlink bytes",
                     "compute (client-reported)", "radio", "cumulative", "g CO2e"],
            rows: records.map { record in
                ["\(record.round)" + (record.attempt > 1 ? " (attempt \(record.attempt))" : ""), record.status.rawValue,
                 "\(record.completed.count)/\(record.selected.count)", record.evaluation.map { "\($0.modelAfterRound)" } ?? "",
                 record.testAccuracy.map { String(format: "%.4f", $0) } ?? "none", record.evaluation.map { "\($0.examples)" } ?? "",
                 "\(record.clients.reduce(0) { $0 + $1.bytesRead })", "\(record.clients.reduce(0) { $0 + $1.bytesWritten })",
                 joules(record.energy.computeJoules), joules(record.energy.communicationJoules), joules(record.energy.cumulativeJoules),
                 String(format: "%.4f", record.energy.gramsCO2e)]
            })
    }

    /// The constants of the devices the clients declared, and of the links and grids.
    var constants: ReportTable {
        let devices = Set(records.flatMap(\.clients).map(\.device)).sorted().compactMap { try? profiles.device($0) }
        let table = ConstantRows(profiles: profiles)
        return ReportTable(header: table.header, rows: table.devices(devices) + table.network())
    }

    /// Each evaluated model's accuracy at what it took to produce it: round r's evaluation (of the
    /// model after round r − 1) at the cumulative figure of the records before round r's.
    func accuracyPoints(_ cumulative: (RoundRecord) -> Double) -> [(x: Double, y: Double)] {
        records.indices.compactMap { index in
            records[index].testAccuracy.map { (index == 0 ? 0 : cumulative(records[index - 1]), $0) }
        }
    }

    var markdown: String {
        """
        # FedWatt report

        \(jobLine)

        **\(noComparisonText)**

        \(keyNumbers.markdown)

        \(flopsText)

        \(evaluationText)

        Charts: see report.html.

        ## Rounds

        \(perRound.markdown)

        ## Constants used

        \(constants.markdown)

        """
    }

    var html: String {
        let energyChart = SVGChart.lines(
            title: "Federated-evaluation accuracy against the energy that produced the model", xLabel: "cumulative energy (J)",
            yLabel: "accuracy (federated evaluation)",
            series: [SVGChart.Series(name: "federated evaluation", color: "#1f77b4", points: accuracyPoints { $0.energy.cumulativeJoules })])
        let bytesChart = SVGChart.lines(
            title: "Federated-evaluation accuracy against the uplink bytes that produced the model", xLabel: "cumulative uplink (MB)",
            yLabel: "accuracy (federated evaluation)",
            series: [SVGChart.Series(
                name: "federated evaluation, codec \(summary.job.uplinkCodec)", color: "#1f77b4",
                points: accuracyPoints { Double($0.cumulativeUplinkBytes) / 1e6 })])
        return """
            \(ReportWriter.htmlHead)
            <p>\(escape(jobLine))</p>
            <p class="verdict" id="no-comparison">\(escape(noComparisonText))</p>
            \(keyNumbers.html)
            <p id="client-reported-flops">\(escape(flopsText))</p>
            <p id="federated-evaluation">\(escape(evaluationText))</p>
            \(energyChart)
            \(bytesChart)
            <h2>Rounds</h2>
            \(perRound.html)
            <h2>Constants used</h2>
            \(constants.html)
            </body></html>

            """
    }
}
