import ArgumentParser
import FedCommandLine
import Foundation

/// `fedwatt simulate`: a whole federated job on this machine, one coordinator and N client processes.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a federated job on this machine: one coordinator and N client processes on 127.0.0.1.",
        discussion: """
            Starts fedwatt-coordinator on a free port and --clients fedwatt-client processes (the real \
            executables, found beside this one), shows the coordinator's progress, and leaves \
            DIR/ledger.jsonl and DIR/summary.json. Ctrl-C or a failure stops every child. With no \
            flags: Fashion-MNIST, MLP 784-128-10, 10 clients, 20 rounds, IID, 1 local epoch, lr 0.1, batch 32.
            """
    )

    @Option(help: "Output folder.")
    var out: String = "out/simulate"

    @Flag(name: .customLong("client-logs"), help: "Show the clients' own output too.")
    var clientLogs = false

    @OptionGroup var job: SimulationOptions

    func run() async throws {
        let seconds = try await job.simulation(clientLogs: clientLogs).run(out: out)
        say(String(format: "simulate: %d clients, whole run %.2f s", job.clients, seconds))
    }
}
