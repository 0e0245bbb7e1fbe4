import FedEnergy
import FedLearning
import FedLedger
import Foundation

/// The content of `centralized.json`: the centralized baseline's job and its per-epoch records, as
/// `fedwatt centralized` and `fedwatt simulate` write it.
public struct BaselineRecord: Sendable, Codable {
    public var model: ModelArchitecture
    public var parameterCount: Int
    public var sgd: SGDConfiguration
    public var schedule: LearningRateSchedule
    public var epochs: Int
    public var seed: UInt64
    public var dataset: String
    public var trainSamples: Int
    public var testSamples: Int
    /// Logical cores of the host that ran the baseline (CodeCarbon's process share divides TDP by them).
    public var hostCores: Int
    /// `CentralizedTraining.EpochRecord`s, cumulative counters.
    public var records: [CentralizedTraining.EpochRecord]
    /// What the host meter saw over the training up to each epoch (cumulative, one per record; nil
    /// in baselines written before the host was metered).
    public var hostReadings: [HostReading]?
    /// Why the host's RAPL energy was not measured (nil: it was, in `hostReadings`).
    public var raplUnreadable: RAPLUnreadable?
    /// For each client of the federated job, its raw training shard (pixels and labels) as zlib
    /// compresses it: what the device would upload to train centrally. Empty outside a simulation.
    public var rawUploadBytes: [Int]
    /// With a fleet, each client's link profile (its class's), over which its raw shard goes up;
    /// nil without one (every client on the job's one link) and in older files.
    public var rawUploadLinks: [String]?

    /// Creates a record.
    public init(
        model: ModelArchitecture, sgd: SGDConfiguration, schedule: LearningRateSchedule, epochs: Int, seed: UInt64,
        dataset: String, trainSamples: Int, testSamples: Int, hostCores: Int, records: [CentralizedTraining.EpochRecord],
        hostReadings: [HostReading]?, raplUnreadable: RAPLUnreadable?, rawUploadBytes: [Int], rawUploadLinks: [String]? = nil
    ) {
        self.model = model
        parameterCount = model.parameterCount
        self.sgd = sgd
        self.schedule = schedule
        self.epochs = epochs
        self.seed = seed
        self.dataset = dataset
        self.trainSamples = trainSamples
        self.testSamples = testSamples
        self.hostCores = hostCores
        self.records = records
        self.hostReadings = hostReadings
        self.raplUnreadable = raplUnreadable
        self.rawUploadBytes = rawUploadBytes
        self.rawUploadLinks = rawUploadLinks
    }

    /// The host's work over the first `epochs` epochs, as CodeCarbon's CPU methods need it.
    public func hostWork(epochs: Int) -> HostWork {
        let record = records[epochs - 1]
        return HostWork(
            cpuSeconds: record.cpuSeconds, wallSeconds: record.trainingWallSeconds, hostCores: hostCores,
            machineLoad: hostReadings.flatMap { $0.indices.contains(epochs - 1) ? $0[epochs - 1].machineLoad : nil })
    }

    /// Writes `centralized.json` into `directory` atomically; returns its path.
    public func write(toDirectory directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try writeJSON(self, to: directory, name: "centralized.json")
    }
}
