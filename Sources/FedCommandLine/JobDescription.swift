import FedClient
import FedCoordinator
import FedData
import FedFleet
import FedLearning
import Foundation

/// A whole federated job as typed values: what `fedwatt simulate`, `sweep` and `load` were told,
/// written to `DIR/job.json` and handed to the coordinator and client processes they start
/// (`--job`), so every process reads the same values instead of flags written back out.
public struct JobDescription: Sendable, Hashable, Codable {
    /// How the simulated clients behave: their profiles, and which of them attack.
    public struct SimulatedClients: Sendable, Hashable, Codable {
        /// The device profile every client models.
        public var device: String
        /// The link profile every client models.
        public var link: String
        /// Clients `0..<attackers` run ``attack``.
        public var attackers: Int
        /// The attack of the attacking clients.
        public var attack: ClientAttack

        /// Describes the simulated clients.
        public init(device: String, link: String, attackers: Int, attack: ClientAttack) {
            self.device = device
            self.link = link
            self.attackers = attackers
            self.attack = attack
        }
    }

    /// The data shards, and so the valid client ids `0..<clients`.
    public var clients: Int
    /// The network.
    public var model: ModelChoice
    /// Local SGD, shared by the clients and the centralized baseline.
    public var sgd: SGDConfiguration
    /// The seed of initialisation, partition, sampling and batch order.
    public var seed: UInt64
    /// The dataset and its folder.
    public var data: DataSettings
    /// Rounds, strategy, selection, partition and codecs.
    public var federation: FederationSettings
    /// The energy profiles and grid.
    public var energy: EnergySettings
    /// The secret every client proves, if the fleet shares one.
    public var fleetSecretFile: String?
    /// The coordinator's certificate and key, when the job runs over TLS (clients trust the certificate).
    public var tls: TLSFiles?
    /// The clients `fedwatt` starts itself (nil for a coordinator started by hand).
    public var simulatedClients: SimulatedClients?
    /// The fleet the clients stand for (nil: no device clock).
    public var fleet: FleetSpec?
    /// Device seconds a round waits, with a fleet.
    public var deadline: Double?
    /// What the deadline does to slow clients, with one (nil: drop them).
    public var stragglerPolicy: StragglerPolicy?
    /// The over-selection factor, with a fleet.
    public var overSelect: Double?

    /// Describes a job.
    public init(
        clients: Int, model: ModelChoice, sgd: SGDConfiguration, seed: UInt64, data: DataSettings, federation: FederationSettings,
        energy: EnergySettings, fleetSecretFile: String? = nil, tls: TLSFiles? = nil, simulatedClients: SimulatedClients? = nil,
        fleet: FleetSpec? = nil, deadline: Double? = nil, stragglerPolicy: StragglerPolicy? = nil, overSelect: Double? = nil
    ) {
        self.clients = clients
        self.model = model
        self.sgd = sgd
        self.seed = seed
        self.data = data
        self.federation = federation
        self.energy = energy
        self.fleetSecretFile = fleetSecretFile
        self.tls = tls
        self.simulatedClients = simulatedClients
        self.fleet = fleet
        self.deadline = deadline
        self.stragglerPolicy = stragglerPolicy
        self.overSelect = overSelect
    }

    /// The job the shared option groups describe, for `clients` clients (the federation settings
    /// given apart, so a sweep can vary them).
    public init(
        clients: Int, model: ModelOptions, training: TrainingOptions, data: DataOptions, federation: FederationSettings,
        energy: ProfileOptions, fleetSecret: FleetSecretOption, tls: TLSIdentityOptions, world: DeviceWorldOptions,
        simulatedClients: SimulatedClients? = nil
    ) throws {
        self.init(
            clients: clients, model: model.choice, sgd: training.sgd, seed: training.seed, data: data.settings, federation: federation,
            energy: energy.settings, fleetSecretFile: fleetSecret.path, tls: tls.files, simulatedClients: simulatedClients,
            fleet: try world.spec(), deadline: world.deadline, stragglerPolicy: world.stragglerPolicy, overSelect: world.overSelect)
    }

    /// The file's name in an output folder.
    public static let fileName = "job.json"

    /// Reads the job in `path`; throws, naming the file and what is wrong, if it is not one.
    public init(file path: String) throws {
        do {
            self = try JSONDecoder().decode(Self.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch let error as DecodingError {
            throw JobFileError.invalid(path: path, reason: Self.describe(error))
        } catch {
            throw JobFileError.unreadable(path: path, reason: error.localizedDescription)
        }
    }

    /// Writes the job to `DIR/job.json` (creating the folder) and returns the file's path.
    @discardableResult
    public func write(into directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent(Self.fileName)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: URL(fileURLWithPath: path), options: .atomic)
        return path
    }

    /// The federated job the coordinator sends its clients, for an external model the one whose
    /// `initialParameters` (``ModelChoice/initialParameters()``) give its size; throws if the model
    /// cannot take the dataset's samples, or an external model has no initial parameters.
    public func federatedJob(initialParameters: [Float]? = nil) throws -> FederatedJob {
        FederatedJob(
            dataset: data.dataset,
            model: try model.jobModel(sample: data.dataset.sampleShape, classes: data.dataset.classCount, initialParameters: initialParameters),
            sgd: sgd, localEpochs: federation.localEpochs, partition: federation.partition, clientCount: clients, seed: seed,
            uplinkCodec: federation.codec, downlinkCodec: federation.downlinkCodec)
    }

    private static func describe(_ error: DecodingError) -> String {
        func at(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "the top level" : path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(at(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(at(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// Why a job file could not be used.
public enum JobFileError: Error, CustomStringConvertible, Equatable {
    /// The file could not be read.
    case unreadable(path: String, reason: String)
    /// The file is not a job description.
    case invalid(path: String, reason: String)
    /// The job has no simulated clients to take a client's settings from.
    case noSimulatedClients(path: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read the job file \(path): \(reason)"
        case .invalid(let path, let reason): return "\(path) is not a FedWatt job file: \(reason)"
        case .noSimulatedClients(let path): return "the job in \(path) describes no simulated clients; give --device and --link instead"
        }
    }
}
