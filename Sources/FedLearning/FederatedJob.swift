import FedCodec
import FedData
import Foundation

/// What every participant of a federated job must agree on: the data, the model, local training and
/// the partition. The coordinator sends it to each client in its Welcome message (as JSON).
public struct FederatedJob: Sendable, Hashable, Codable {
    /// Where each client's training data and the coordinator's test data come from.
    public var dataset: DatasetSource
    /// The model trained: one of FedWatt's architectures, or an external model only the clients run.
    public var model: JobModel
    /// Local SGD settings; `proximalMu` is the FedProx term the strategy asks for (0 for others).
    public var sgd: SGDConfiguration
    /// Local epochs per round.
    public var localEpochs: Int
    /// How the training set is split across clients.
    public var partition: PartitionSpec
    /// Number of shards, and so the range of valid client ids (0 ..< clientCount).
    public var clientCount: Int
    /// Seed of the initial model, the partition, client sampling and local batch order.
    public var seed: UInt64
    /// Compression of client updates (deltas).
    public var uplinkCodec: CodecSpec
    /// Compression of the global model sent in RoundStart.
    public var downlinkCodec: CodecSpec

    /// Creates a job training one of FedWatt's architectures.
    public init(
        dataset: DatasetSource, model: ModelArchitecture, sgd: SGDConfiguration, localEpochs: Int,
        partition: PartitionSpec, clientCount: Int, seed: UInt64, uplinkCodec: CodecSpec = .none,
        downlinkCodec: CodecSpec = .none
    ) {
        self.init(
            dataset: dataset, model: .architecture(model), sgd: sgd, localEpochs: localEpochs, partition: partition,
            clientCount: clientCount, seed: seed, uplinkCodec: uplinkCodec, downlinkCodec: downlinkCodec)
    }

    /// Creates a job.
    public init(
        dataset: DatasetSource, model: JobModel, sgd: SGDConfiguration, localEpochs: Int,
        partition: PartitionSpec, clientCount: Int, seed: UInt64, uplinkCodec: CodecSpec = .none,
        downlinkCodec: CodecSpec = .none
    ) {
        self.dataset = dataset
        self.model = model
        self.sgd = sgd
        self.localEpochs = localEpochs
        self.partition = partition
        self.clientCount = clientCount
        self.seed = seed
        self.uplinkCodec = uplinkCodec
        self.downlinkCodec = downlinkCodec
    }

    /// Throws ``TrainingError`` naming the first setting that cannot work.
    public func validate() throws {
        try sgd.validate()
        guard localEpochs > 0 else { throw TrainingError.invalidConfiguration("local epochs \(localEpochs) must be positive") }
        guard clientCount > 0 else { throw TrainingError.invalidConfiguration("client count \(clientCount) must be positive") }
        try model.validate(sampleShape: dataset.sampleShape, classCount: dataset.classCount)
    }

    /// Each client's shard size, client 0 first, from the training set's labels: what every client
    /// derives for itself, so the coordinator knows how many samples each may claim.
    public func shardSizes(trainingLabels: [UInt8]) throws -> [Int] {
        try Partitioner(spec: partition, clientCount: clientCount, seed: seed)
            .shards(labels: trainingLabels, classCount: dataset.classCount).map(\.count)
    }

    /// Each client's local test split size, client 0 first: the test set split as the training set
    /// is (the same partition, client count and seed; docs/DATA.md), so the coordinator knows how
    /// many examples a client's federated evaluation may claim.
    public func testSplitSizes(testLabels: [UInt8]) throws -> [Int] {
        try shardSizes(trainingLabels: testLabels)
    }

    /// One client's local training in a round: its shard of `samples` samples, at most `stepLimit`
    /// minibatch steps.
    public func localWork(samples: Int, stepLimit: Int? = nil) -> LocalWork {
        LocalWork(shardSize: samples, batchSize: sgd.batchSize, epochs: localEpochs, stepLimit: stepLimit)
    }

    /// Analytic FLOPs of one client's local training: what an honest client reports; nil for an
    /// external model, whose FLOPs only its clients can count.
    public func trainingFLOPs(_ work: LocalWork) -> Int? {
        model.architecture?.trainingFLOPs(samples: work.sampleVisits, batches: work.steps, configuration: sgd)
    }

    /// Analytic FLOPs of one client's whole local training on `samples` samples (nil for an external model).
    public func localTrainingFLOPs(samples: Int) -> Int? {
        trainingFLOPs(localWork(samples: samples))
    }

    /// The job as the JSON text a Welcome message carries.
    public func jsonText() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Parses and validates a job from Welcome JSON.
    public init(jsonText: String) throws {
        self = try JSONDecoder().decode(FederatedJob.self, from: Data(jsonText.utf8))
        try validate()
    }

    /// The random stream of the stochastic rounding in client `id`'s (or, with id -1, the
    /// coordinator's) encoding in `round`.
    public func encodingGenerator(clientID: Int, round: Int) -> SeededGenerator {
        SeededGenerator(seed: roundSeed(round), stream: 0xC0DEC &+ UInt64(bitPattern: Int64(clientID)))
    }

    /// The random stream of client `id`'s local training in `round`.
    public func trainingGenerator(clientID: Int, round: Int) -> SeededGenerator {
        SeededGenerator(seed: roundSeed(round), stream: UInt64(clientID) &+ 1)
    }

    /// The job seed mixed with a round number, shared by the round's random streams.
    private func roundSeed(_ round: Int) -> UInt64 { seed &+ UInt64(round) &* 0x9E37_79B9 }
}
