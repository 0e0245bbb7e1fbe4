import ArgumentParser
import FedCommandLine

/// The job `simulate` and `sweep` run: how many client processes, and the federated job itself.
struct SimulationOptions: ParsableArguments {
    @Option(help: "Client processes to start (each a shard of the data).")
    var clients: Int = 10

    @OptionGroup var model: ModelOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var federation: FederationOptions

    func validate() throws {
        guard clients > 0 else { throw ValidationError("--clients must be at least 1") }
    }

    /// The simulation these options describe, optionally with another federation setting.
    func simulation(federation override: FederationOptions? = nil, clientLogs: Bool = false) -> Simulation {
        Simulation(
            clients: clients, clientLogs: clientLogs, model: model, training: training, data: data,
            federation: override ?? federation)
    }
}
