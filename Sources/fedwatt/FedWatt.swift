import ArgumentParser

/// The `fedwatt` command: federated-learning experiments with energy accounting.
@main
struct FedWatt: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fedwatt",
        abstract: "Federated learning experiments that account for their energy.",
        discussion: """
            FedWatt trains models on Fashion-MNIST, federated across simulated edge clients or \
            centrally, and measures the FLOPs, CPU time and bytes each costs.
            """,
        subcommands: [Simulate.self, Centralized.self, Report.self, Sweep.self, Load.self]
    )
}
