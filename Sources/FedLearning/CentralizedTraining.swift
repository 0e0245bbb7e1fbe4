import FedData
import Foundation

/// The centralized baseline: the same model trained on the pooled data in one place, epoch by epoch.
public struct CentralizedTraining: Sendable {
    /// The model trained.
    public var architecture: ModelArchitecture
    /// The optimizer's hyper-parameters.
    public var sgd: SGDConfiguration
    /// How the learning rate moves from epoch to epoch.
    public var schedule: LearningRateSchedule
    /// Passes over the training set.
    public var epochs: Int
    /// Seed of the initial parameters and of every epoch's sample order.
    public var seed: UInt64

    /// Creates a baseline job.
    public init(
        architecture: ModelArchitecture, sgd: SGDConfiguration, schedule: LearningRateSchedule = .constant,
        epochs: Int, seed: UInt64
    ) {
        self.architecture = architecture
        self.sgd = sgd
        self.schedule = schedule
        self.epochs = epochs
        self.seed = seed
    }

    /// One epoch's outcome; the counters are cumulative since the start of training.
    public struct EpochRecord: Sendable, Hashable, Codable {
        /// 1-based epoch number.
        public var epoch: Int
        /// Learning rate used in the epoch.
        public var learningRate: Float
        /// Mean training loss over the epoch.
        public var trainLoss: Double
        /// Test-set accuracy after the epoch.
        public var testAccuracy: Double
        /// Test-set mean loss after the epoch.
        public var testLoss: Double
        /// Wall-clock seconds since training started, evaluation included.
        public var elapsedSeconds: Double
        /// Training wall-clock seconds so far, evaluation excluded (nil in records written before it was kept).
        public var trainingWallSeconds: Double?
        /// Training CPU-seconds so far (evaluation excluded).
        public var cpuSeconds: Double
        /// Training FLOPs so far (evaluation excluded).
        public var flops: Int
        /// Training samples processed so far.
        public var samples: Int
    }

    /// Where an epoch is, for a meter that measures the training alone.
    public enum Phase: Sendable, Equatable {
        /// An epoch's training is about to start.
        case trainingStarts
        /// It has just ended; the epoch's evaluation follows.
        case trainingEnded
    }

    /// Trains on `train`, evaluating on `test` after every epoch; reports each epoch to `onEpoch` as it
    /// ends, and tells `onPhase` when each epoch's training starts and ends; returns the final
    /// parameters and every epoch's record.
    public func run(
        train: Dataset, test: Dataset, onEpoch: (EpochRecord) -> Void = { _ in }, onPhase: (Phase) -> Void = { _ in }
    ) throws -> (parameters: [Float], epochs: [EpochRecord]) {
        guard epochs > 0 else { throw TrainingError.invalidConfiguration("epochs \(epochs) must be positive") }
        try architecture.validate(for: test)
        let trainer = try LocalTrainer(architecture: architecture, configuration: sgd)
        var parameters = architecture.initialParameters(seed: seed)
        var generator = SeededGenerator(seed: seed, stream: 0xCE27)
        let start = Date()
        var records = [EpochRecord]()
        var totals = (wall: 0.0, cpu: 0.0, flops: 0, samples: 0)
        for epoch in 1...epochs {
            trainer.learningRate = schedule.rate(base: sgd.learningRate, step: epoch - 1, of: epochs)
            onPhase(.trainingStarts)
            let epochStart = ContinuousClock.now
            let summary = try trainer.train(parameters: &parameters, on: train, epochs: 1, generator: &generator)
            let wall = epochStart.duration(to: .now).inSeconds
            onPhase(.trainingEnded)
            totals = (totals.wall + wall, totals.cpu + summary.cpuSeconds, totals.flops + summary.flops, totals.samples + summary.samples)
            let evaluation = try architecture.evaluate(parameters: parameters, on: test)
            let record = EpochRecord(
                epoch: epoch, learningRate: trainer.learningRate, trainLoss: summary.meanLoss, testAccuracy: evaluation.accuracy, testLoss: evaluation.loss,
                elapsedSeconds: Date().timeIntervalSince(start), trainingWallSeconds: totals.wall, cpuSeconds: totals.cpu, flops: totals.flops,
                samples: totals.samples)
            records.append(record)
            onEpoch(record)
        }
        return (parameters, records)
    }
}
