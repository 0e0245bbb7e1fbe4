import ArgumentParser
import FedClient
import FedCommandLine

/// The job `simulate` and `sweep` run: how many client processes, and the federated job itself.
struct SimulationOptions: ParsableArguments {
    @Option(help: "Client processes to start (each a shard of the data).")
    var clients: Int = 10

    @OptionGroup var model: ModelOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var federation: FederationOptions
    @OptionGroup var energy: ProfileOptions

    @Option(help: "Device profile every client models (rpi4, jetson-nano, jetson-agx-xavier, smartphone, or one in --profiles).")
    var device: String = "rpi4"

    @Option(help: "Link profile every client models (wifi, lte, 3g, or one in --profiles).")
    var link: String = "wifi"

    @Option(name: .customLong("fleet-secret-file"), help: "Authenticate every client with the secret in this file (HMAC-SHA256 over a per-connection nonce).")
    var fleetSecretFile: String?

    @OptionGroup var tls: TLSServerOptions

    @Option(help: "Clients 0..<K run --attack (robustness experiments).")
    var attackers: Int = 0

    @Option(help: "The attack of the --attackers clients: sign-flip:SCALE sends -SCALE times the honest delta.")
    var attack: ClientAttack = .signFlip(scale: 10)

    @Option(help: "Datacenter profile of the centralized baseline (average, hyperscale, or one in --profiles).")
    var datacenter: String = "average"

    func validate() throws {
        guard clients > 0 else { throw ValidationError("--clients must be at least 1") }
        guard (0...clients).contains(attackers) else { throw ValidationError("--attackers must be between 0 and --clients") }

        do {
            let profiles = try energy.profiles()
            _ = try profiles.device(device)
            _ = try profiles.link(link)
            _ = try profiles.datacenter(datacenter)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The simulation these options describe, optionally with another federation setting.
    func simulation(federation override: FederationOptions? = nil, clientLogs: Bool = false) -> Simulation {
        Simulation(
            clients: clients, clientLogs: clientLogs, model: model, training: training, data: data,
            federation: override ?? federation, energy: energy, device: device, link: link, attackers: attackers, attack: attack,
            fleetSecretFile: fleetSecretFile, tls: tls.files)
    }
}
