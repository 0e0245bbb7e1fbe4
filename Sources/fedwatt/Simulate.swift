import ArgumentParser
import FedCommandLine
import FedFleet
import FedLearning
import FedReport
import Foundation

/// `fedwatt simulate`: a whole federated job on this machine, one coordinator and N client processes.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a federated job on this machine: one coordinator and N client processes on 127.0.0.1.",
        discussion: """
            Starts fedwatt-coordinator on a free port and --clients fedwatt-client processes (the real \
            executables, found beside this one), shows the coordinator's progress, and leaves \
            DIR/ledger.jsonl and DIR/summary.json. It then trains the centralized baseline on this \
            host for the same sample passes and writes the comparative energy report: DIR/report.html, \
            report.md, rounds.csv, report.json (with --fleet, also device time, the client classes and \
            the wasted energy). Ctrl-C or a failure stops every child. With no flags: \
            Fashion-MNIST, MLP 784-128-10, 10 clients, 20 rounds, IID, 1 local epoch, lr 0.1, batch 32, \
            rpi4 devices on wifi, world grid, average datacenter.
            """
    )

    @Option(help: "Output folder.")
    var out: String = "out/simulate"

    @Flag(name: .customLong("client-logs"), help: "Show the clients' own output too.")
    var clientLogs = false

    @Flag(name: .customLong("no-report"), help: "Stop after the federated run: no centralized baseline, no report (for timing the federated run alone).")
    var noReport = false

    @OptionGroup var job: SimulationOptions

    @OptionGroup var target: TargetAccuracyOption

    func run() async throws {
        let start = ContinuousClock.now
        let seconds = try await job.simulation(clientLogs: clientLogs).run(out: out)
        say(String(format: "simulate: %d clients, federated run %.2f s", job.clients, seconds))
        guard !noReport else { return }
        let (summary, records) = try RunArtifacts.federatedRun(in: out)
        let profiles = try job.energy.profiles()
        // With a fleet, each client uploads its raw shard over its class's link.
        let links = try job.world.spec().map {
            try Fleet($0, profiles: profiles, clientCount: job.clients, seed: job.training.seed).members.map(\.link.name)
        }
        let baseline = try BaselineRun(summary: summary, records: records, dataDirectory: job.data.resolvedDirectory, uploadLinks: links)
            .run(into: out)
        let comparison = try EnergyComparison(
            artifacts: RunArtifacts(directory: out, records: records, summary: summary, baseline: baseline, profiles: profiles),
            datacenter: job.datacenter, cpuMethod: job.cpuMethod, targetAccuracy: target.value)
        let path = try ReportWriter.write(comparison)
        say("verdict: \(comparison.verdict)")
        if let uncertainty = comparison.uncertaintySummary { say("uncertainty: \(uncertainty)") }
        say(String(format: "wrote %@ (and report.md, rounds.csv, report.json); whole command %.2f s", path, start.duration(to: .now).inSeconds))
    }
}
