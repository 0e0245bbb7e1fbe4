import ArgumentParser
import FedFleet

/// `--fleet`, `--deadline`, `--straggler-policy` and `--over-select`: the device world the rounds run in.
public struct DeviceWorldOptions: ParsableArguments {
    @Option(
        help: "A fleet file (docs/FLEETS.md) or a shipped fleet (\(FleetSpec.shippedNames.joined(separator: ", "))): rounds then run on a device clock, each client's class, speed and radio deciding when its update arrives and what it costs.")
    public var fleet: String?

    @Option(help: "Device seconds a round waits for updates, with --fleet; later updates are stragglers and are not aggregated.")
    public var deadline: Double?

    @Option(
        name: .customLong("straggler-policy"),
        help: "With --deadline: drop (clients train their whole local epochs; late updates are stragglers, not aggregated) or partial (each client trains only the minibatch steps that fit its device-time budget; what arrives is aggregated, weighted by the samples processed). Default drop.")
    public var stragglerPolicy: StragglerPolicy?

    @Option(
        name: .customLong("over-select"),
        help: "With --fleet, select this factor (at least 1) times the clients a round wants and aggregate the first updates to arrive in device time; the rest are recorded as not needed.")
    public var overSelect: Double?

    public init() {}

    public func validate() throws {
        if let deadline, !(deadline > 0 && deadline.isFinite) { throw ValidationError("--deadline must be a positive number of device seconds") }
        guard deadline == nil || fleet != nil else { throw ValidationError("--deadline needs --fleet (it is a deadline in device time)") }
        guard stragglerPolicy == nil || deadline != nil else {
            throw ValidationError("--straggler-policy needs --deadline (it decides what a deadline in device time does to slow clients)")
        }
        if let overSelect, !(overSelect >= 1 && overSelect.isFinite) { throw ValidationError("--over-select must be 1 or more, e.g. --over-select 1.3") }
        guard overSelect == nil || fleet != nil else { throw ValidationError("--over-select needs --fleet (arrival order is in device time)") }
        if let fleet {
            do {
                _ = try FleetSpec.load(fleet)
            } catch {
                throw ValidationError("\(error)")
            }
        }
    }

    /// The fleet's description, read from its file, when one is given.
    public func spec() throws -> FleetSpec? {
        try fleet.map(FleetSpec.load)
    }
}

extension StragglerPolicy: ExpressibleByArgument {}
