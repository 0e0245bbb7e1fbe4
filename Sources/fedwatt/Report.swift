import ArgumentParser
import FedCommandLine
import FedEnergy
import FedReport

/// `fedwatt report DIR`: re-render a run's comparative energy report from the files it left.
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-render the comparative energy report of a simulated run.",
        discussion: """
            Reads DIR/ledger.jsonl, summary.json, centralized.json and profiles.json (as `fedwatt \
            simulate` leaves them) and writes DIR/report.html, report.md, rounds.csv and report.json. A run \
            on a device clock (--fleet) also gets its device time to the final round and to the target \
            accuracy, the energy to that target, a chart of accuracy against device time, a table per \
            client class and its wasted energy. Where the profiles give constants plausible ranges, the \
            report also shows the verdict's uncertainty: the ratio's band under a seeded Monte Carlo and \
            at the extremes, a tornado chart and the flip points. A run of an external model (its clients \
            evaluated it) has no centralized baseline: its report shows the federated side alone, from \
            ledger.jsonl, summary.json and profiles.json (report.html, report.md and rounds.csv).
            """
    )

    @Argument(help: "The run's output folder.")
    var directory: String

    @Option(help: "Datacenter profile of the centralized side (one in the run's profiles.json).")
    var datacenter: String = "average"

    @Option(name: .customLong("cpu-method"), help: CPUPowerMethod.argumentHelp)
    var cpuMethod: CPUPowerMethod = .default

    @OptionGroup var target: TargetAccuracyOption

    func run() async throws {
        let (summary, _) = try RunArtifacts.federatedRun(in: directory)
        if summary.job.model.evaluatedByClients {
            let report = try FederatedRunReport(directory: directory)
            say(report.noComparisonText)
            say("wrote \(try report.write()) (and report.md, rounds.csv)")
            return
        }
        let comparison = try EnergyComparison(
            artifacts: RunArtifacts(directory: directory), datacenter: datacenter, cpuMethod: cpuMethod, targetAccuracy: target.value)
        let path = try ReportWriter.write(comparison)
        say("verdict: \(comparison.verdict)")
        if let uncertainty = comparison.uncertaintySummary { say("uncertainty: \(uncertainty)") }
        say("wrote \(path) (and report.md, rounds.csv, report.json)")
    }
}
