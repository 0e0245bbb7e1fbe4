import ArgumentParser
import FedClient
import FedCommandLine
import FedEnergy

/// The job `simulate`, `sweep` and `load` run: how many client processes, and the federated job itself.
struct SimulationOptions: ParsableArguments {
    @Option(help: "Client processes to start (each a shard of the data).")
    var clients: Int = 10

    @OptionGroup var model: ModelOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var federation: FederationOptions
    @OptionGroup var energy: ProfileOptions
    @OptionGroup var profiles: ClientProfileOptions
    @OptionGroup var fleetSecret: FleetSecretOption
    @OptionGroup var tls: TLSIdentityOptions
    @OptionGroup var world: DeviceWorldOptions
    @OptionGroup var metrics: MetricsOptions

    @Option(help: "Clients 0..<K run --attack (robustness experiments).")
    var attackers: Int = 0

    @Option(help: "The attack of the --attackers clients: sign-flip:SCALE sends -SCALE times the honest delta.")
    var attack: ClientAttack = .signFlip(scale: 10)

    @Option(help: "Datacenter profile of the centralized baseline (average, hyperscale, or one in --profiles).")
    var datacenter: String = "average"

    @Option(name: .customLong("cpu-method"), help: CPUPowerMethod.argumentHelp)
    var cpuMethod: CPUPowerMethod = .default

    func validate() throws {
        try model.requireFedWattModel(for: "fedwatt simulate, sweep and load")
        guard clients > 0 else { throw ValidationError("--clients must be at least 1") }
        guard (0...clients).contains(attackers) else { throw ValidationError("--attackers must be between 0 and --clients") }

        do {
            let profiles = try energy.profiles()
            _ = try profiles.device(self.profiles.device)
            _ = try profiles.link(self.profiles.link)
            _ = try profiles.datacenter(datacenter)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The job these options describe, optionally with other federation settings.
    func description(federation override: FederationSettings? = nil) throws -> JobDescription {
        try JobDescription(
            clients: clients, model: model, training: training, data: data, federation: override ?? federation.settings, energy: energy,
            fleetSecret: fleetSecret, tls: tls, world: world,
            simulatedClients: .init(device: profiles.device, link: profiles.link, attackers: attackers, attack: attack))
    }

    /// The simulation these options describe, optionally with other federation settings.
    func simulation(federation override: FederationSettings? = nil, clientLogs: Bool = false) throws -> Simulation {
        Simulation(job: try description(federation: override), clientLogs: clientLogs, coordinatorArguments: metrics.coordinatorArguments)
    }
}
