import FedCodec
import FedData
import FedLearning
import FedWire

/// A client's side of a job: its shard of the training data and its trainer, prepared once per job
/// (kept across reconnections to the same job), and the local round it runs on each RoundStart.
final class LocalWorkspace {
    let job: FederatedJob
    let clientID: Int
    private let data: Dataset
    private let shard: [Int]
    private let trainer: LocalTrainer
    /// What compression of earlier deltas dropped (biased pipelines only). It lives as long as this
    /// workspace: across reconnections to the same job, not across a restart of the client process.
    private var errorFeedback = ErrorFeedback()
    /// The model of the last round start and its version: the base of the next one when the
    /// coordinator sends differences. Kept, like the error feedback, across reconnections.
    private var heldModel: (version: UInt32, parameters: [Float])?

    /// The poisoning attack this client runs, if any.
    private let attack: ClientAttack?
    /// Where whole models are decoded when many clients share them (nil: this client decodes its own).
    private let sharedModel: SharedModel?

    /// Loads the job's training split and keeps this client's shard (or takes both from
    /// `trainingData`, shared by many clients, who also share the whole models they decode in `model`).
    init(
        job: FederatedJob, clientID: Int, dataDirectory: String, attack: ClientAttack? = nil, trainingData: SharedTrainingData? = nil,
        model: SharedModel? = nil
    ) throws {
        guard clientID < job.clientCount else {
            throw PartitionError.clientOutOfRange(id: clientID, clientCount: job.clientCount)
        }
        self.job = job
        self.clientID = clientID
        self.attack = attack
        sharedModel = model
        let partitioner = Partitioner(spec: job.partition, clientCount: job.clientCount, seed: job.seed)
        if let trainingData {
            (data, shard) = try trainingData.shard(clientID, of: job.dataset, directory: dataDirectory, partitioner: partitioner)
        } else {
            data = try job.dataset.load(.train, directory: dataDirectory)
            shard = try partitioner.shard(forClient: clientID, labels: data.labels, classCount: data.classCount)
        }
        trainer = try LocalTrainer(architecture: job.model, configuration: job.sgd)
    }

    /// Number of training samples in this client's shard.
    var sampleCount: Int { shard.count }

    /// Trains from the round's global model and returns the Update carrying the encoded delta.
    func runRound(_ start: RoundStart) throws -> Update {
        guard start.learningRate.isFinite, start.learningRate > 0, start.localEpochs > 0 else {
            throw WireError(.malformedPayload, "round \(start.round) asks for learning rate \(start.learningRate) and \(start.localEpochs) epochs")
        }
        let count = job.model.parameterCount
        var global: [Float]
        do {
            let first = start.models[0]
            global = try start.baseVersion == 0 && start.models.count == 1
                ? sharedModel?.decode(first, count: count) ?? TensorCodec.decode(first, expectedCount: count)
                : TensorCodec.decode(first, expectedCount: count)
            if start.baseVersion != 0 {
                guard let held = heldModel, held.version == start.baseVersion else {
                    throw WireError(
                        .unknownBaseModel,
                        "round \(start.round) sends a difference from model version \(start.baseVersion); this client holds "
                            + (heldModel.map { "version \($0.version)" } ?? "none"))
                }
                for i in global.indices { global[i] += held.parameters[i] }
            }
            // The rest of the chain: the differences this client missed, each added as the coordinator did.
            for difference in start.models.dropFirst() {
                let values = try TensorCodec.decode(difference, expectedCount: count)
                for i in global.indices { global[i] += values[i] }
            }
        } catch let error as CodecError {
            throw WireError(error)
        }
        heldModel = (start.modelVersion, global)
        var parameters = global
        trainer.learningRate = start.learningRate
        trainer.resetMomentum()
        var generator = job.trainingGenerator(clientID: clientID, round: Int(start.round))
        let summary = try trainer.train(
            parameters: &parameters, on: data, indices: shard, epochs: Int(start.localEpochs),
            stepLimit: start.stepLimit == 0 ? nil : Int(start.stepLimit), generator: &generator,
            anchor: job.sgd.proximalMu != 0 ? global : nil)
        for i in parameters.indices { parameters[i] -= global[i] }
        attack?.apply(to: &parameters)
        var rounding = job.encodingGenerator(clientID: clientID, round: Int(start.round))
        let encodingStart = ContinuousClock.now
        let delta = job.uplinkCodec.isBiased
            ? errorFeedback.encode(parameters, spec: job.uplinkCodec, generator: &rounding).tensor
            : TensorCodec.encode(parameters, spec: job.uplinkCodec, generator: &rounding).tensor
        return Update(
            round: start.round, sampleCount: UInt32(min(sampleCount, summary.samples)), trainLoss: summary.meanLoss,
            flops: UInt64(summary.flops), cpuSeconds: summary.cpuSeconds,
            encodeSeconds: encodingStart.duration(to: .now).inSeconds, delta: delta)
    }
}
