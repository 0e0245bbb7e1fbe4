import FedData
import FedLearning
import Testing

@Suite struct TrainingTests {
    let task = SyntheticTask(featureCount: 32, classCount: 5, noise: 70, seed: 1)
    var train: Dataset { task.makeDataset(count: 1000, seed: 2) }
    var test: Dataset { task.makeDataset(count: 500, seed: 3) }
    let mlp = ModelArchitecture.mlp(inputs: 32, hidden: [16], classes: 5)

    /// A tiny CNN on 8x8 synthetic images.
    static let tinyCNN = try! ModelArchitecture(inputShape: SampleShape(height: 8, width: 8, channels: 1), layers: [
        .convolution(kernel: 3, filters: 4, padding: .same), .relu, .maxPool, .flatten, .dense(outputs: 4),
    ])
    static let imageTask = SyntheticTask(sampleShape: SampleShape(height: 8, width: 8, channels: 1), classCount: 4, noise: 80, seed: 3)

    /// The MLP on flat samples and the tiny CNN on images.
    static let learners = [
        (ModelArchitecture.mlp(inputs: 32, hidden: [16], classes: 5), SyntheticTask(featureCount: 32, classCount: 5, noise: 70, seed: 1)),
        (tinyCNN, imageTask),
    ]

    @Test(arguments: learners)
    func trainingRaisesAccuracyOnSyntheticData(model: ModelArchitecture, task: SyntheticTask) throws {
        let (train, test) = (task.makeDataset(count: 1000, seed: 2), task.makeDataset(count: 500, seed: 3))
        var parameters = model.initialParameters(seed: 4)
        let before = try model.evaluate(parameters: parameters, on: test)
        let trainer = try LocalTrainer(architecture: model, configuration: SGDConfiguration(learningRate: 0.1, batchSize: 16))
        var generator = SeededGenerator(seed: 5)
        let summary = try trainer.train(parameters: &parameters, on: train, epochs: 3, generator: &generator)
        let after = try model.evaluate(parameters: parameters, on: test)
        #expect(before.accuracy < 0.5)
        #expect(after.accuracy > 0.9)
        #expect(after.loss < before.loss)
        #expect(summary.samples == 3000 && summary.batches == 3 * 63)
        #expect(summary.flops == model.trainingFLOPs(samples: 3000, batches: 189, configuration: trainer.configuration))
        #expect(summary.cpuSeconds > 0)
    }

    /// Shared among threads, the batches give the figures one thread gives, bit for bit (the last
    /// batch here is short: 1,130 samples in batches of 250).
    @Test(arguments: learners)
    func evaluationOnSeveralThreadsEqualsOne(model: ModelArchitecture, task: SyntheticTask) throws {
        let test = task.makeDataset(count: 1130, seed: 3)
        let parameters = model.initialParameters(seed: 4)
        let alone = try model.evaluate(parameters: parameters, on: test)
        #expect(alone.samples == 1130 && alone.accuracy > 0 && alone.loss > 0)
        for threads in [2, 3, 5, 8] {
            #expect(try model.evaluate(parameters: parameters, on: test, threads: threads) == alone, "\(threads) threads")
        }
    }

    /// One epoch over exactly one batch is one step: it must equal `w(1 - lr*decay) - lr*gradient`
    /// whichever path the trainer takes (the step fused into the products, or momentum's explicit one).
    @Test(arguments: learners, [(Float(0), Float(0)), (Float(0.01), Float(0)), (Float(0.01), Float(0.9))])
    func oneStepEqualsTheExplicitGradientStep(learner: (model: ModelArchitecture, task: SyntheticTask), step: (decay: Float, momentum: Float)) throws {
        let (model, decay) = (learner.model, step.decay)
        let batch = learner.task.makeDataset(count: 16, seed: 9)
        let configuration = SGDConfiguration(learningRate: 0.5, batchSize: 16, momentum: step.momentum, weightDecay: decay)
        let trainer = try LocalTrainer(architecture: model, configuration: configuration)
        let start = model.initialParameters(seed: 4)
        let (_, gradient) = try trainer.lossAndGradient(
            parameters: start, inputs: batch.pixels.map { Float($0) / 255 }, labels: batch.labels.map(Int.init))
        var parameters = start
        var generator = SeededGenerator(seed: 5)
        _ = try trainer.train(parameters: &parameters, on: batch, epochs: 1, generator: &generator)
        for i in parameters.indices {
            let expected = start[i] - 0.5 * (gradient[i] + decay * start[i])
            #expect(abs(parameters[i] - expected) <= 1e-5, "parameter \(i)")
        }
    }

    @Test func trainsOnlyOnTheGivenIndices() throws {
        let trainer = try LocalTrainer(architecture: mlp, configuration: SGDConfiguration(learningRate: 0.1, batchSize: 16))
        var parameters = mlp.initialParameters(seed: 4)
        var generator = SeededGenerator(seed: 5)
        let summary = try trainer.train(parameters: &parameters, on: train, indices: Array(0..<40), epochs: 2, generator: &generator)
        #expect(summary.samples == 80 && summary.batches == 6)
    }

    @Test func sameSeedGivesBitIdenticalParameters() throws {
        func run() throws -> [Float] {
            let trainer = try LocalTrainer(architecture: mlp, configuration: SGDConfiguration(learningRate: 0.1, batchSize: 16, momentum: 0.9))
            var parameters = mlp.initialParameters(seed: 4)
            var generator = SeededGenerator(seed: 5)
            _ = try trainer.train(parameters: &parameters, on: train, epochs: 1, generator: &generator)
            return parameters
        }
        #expect(try run() == run())
    }

    @Test func proximalTermKeepsParametersNearTheAnchor() throws {
        let anchor = mlp.initialParameters(seed: 4)
        func distanceAfterTraining(mu: Float) throws -> Float {
            let configuration = SGDConfiguration(learningRate: 0.1, batchSize: 16, proximalMu: mu)
            let trainer = try LocalTrainer(architecture: mlp, configuration: configuration)
            var parameters = anchor
            var generator = SeededGenerator(seed: 5)
            _ = try trainer.train(parameters: &parameters, on: train, epochs: 1, generator: &generator, anchor: anchor)
            return zip(parameters, anchor).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
        }
        #expect(try distanceAfterTraining(mu: 1) < 0.5 * distanceAfterTraining(mu: 0))
    }

    @Test func proximalTermWithoutAnchorIsRefused() throws {
        let trainer = try LocalTrainer(architecture: mlp, configuration: SGDConfiguration(learningRate: 0.1, batchSize: 16, proximalMu: 0.1))
        var parameters = mlp.initialParameters(seed: 4)
        var generator = SeededGenerator(seed: 5)
        #expect(throws: TrainingError.self) { try trainer.train(parameters: &parameters, on: train, epochs: 1, generator: &generator) }
    }

    @Test func weightDecayShrinksTheWeights() throws {
        func norm(decay: Float) throws -> Float {
            let trainer = try LocalTrainer(architecture: mlp, configuration: SGDConfiguration(learningRate: 0.1, batchSize: 16, weightDecay: decay))
            var parameters = mlp.initialParameters(seed: 4)
            var generator = SeededGenerator(seed: 5)
            _ = try trainer.train(parameters: &parameters, on: train, epochs: 1, generator: &generator)
            return parameters.map { $0 * $0 }.reduce(0, +)
        }
        #expect(try norm(decay: 0.05) < 0.9 * norm(decay: 0))
    }

    @Test func rejectsDataOfTheWrongShape() throws {
        let trainer = try LocalTrainer(architecture: .softmaxRegression(inputs: 784, classes: 10), configuration: SGDConfiguration(learningRate: 0.1, batchSize: 8))
        var parameters = [Float](repeating: 0, count: 7850)
        var generator = SeededGenerator(seed: 5)
        #expect(throws: TrainingError.self) { try trainer.train(parameters: &parameters, on: train, epochs: 1, generator: &generator) }
        #expect(throws: TrainingError.self) { try mlp.evaluate(parameters: [1, 2, 3], on: test) }
    }

    @Test(arguments: [
        SGDConfiguration(learningRate: 0, batchSize: 8), SGDConfiguration(learningRate: .nan, batchSize: 8),
        SGDConfiguration(learningRate: 0.1, batchSize: 0), SGDConfiguration(learningRate: 0.1, batchSize: 8, momentum: 1),
        SGDConfiguration(learningRate: 0.1, batchSize: 8, weightDecay: -1),
    ])
    func rejectsOutOfRangeHyperParameters(configuration: SGDConfiguration) {
        #expect(throws: TrainingError.self) { try LocalTrainer(architecture: mlp, configuration: configuration) }
    }

    @Test func cosineScheduleFallsFromTheBaseRateTowardsZero() {
        let rates = (0..<10).map { LearningRateSchedule.cosine.rate(base: 0.1, step: $0, of: 10) }
        #expect(rates[0] == 0.1)
        #expect(zip(rates, rates.dropFirst()).allSatisfy { $0 > $1 })
        #expect(rates[9] < 0.003)
        #expect(LearningRateSchedule.constant.rate(base: 0.1, step: 9, of: 10) == 0.1)
    }

    @Test func centralizedRunRecordsEveryEpochCumulatively() throws {
        let job = CentralizedTraining(
            architecture: mlp, sgd: SGDConfiguration(learningRate: 0.1, batchSize: 16), schedule: .cosine, epochs: 3, seed: 1)
        var seen = 0
        var phases: [CentralizedTraining.Phase] = []
        let (_, records) = try job.run(train: train, test: test, onEpoch: { _ in seen += 1 }, onPhase: { phases.append($0) })
        #expect(seen == 3 && records.map(\.epoch) == [1, 2, 3])
        #expect(phases == Array(repeating: [.trainingStarts, .trainingEnded], count: 3).flatMap { $0 })
        // Training wall time is cumulative and leaves the evaluations out.
        let walls = records.compactMap(\.trainingWallSeconds)
        #expect(walls.count == 3 && walls[0] > 0 && walls[2] > walls[0])
        #expect(zip(walls, records).allSatisfy { $0 < $1.elapsedSeconds })
        #expect(records.map(\.samples) == [1000, 2000, 3000])
        #expect(records[2].flops == 3 * records[0].flops)
        #expect(records[2].testAccuracy > 0.9)
        #expect(records[0].learningRate > records[2].learningRate)
    }
}

/// Local work counted in steps: whole passes, then full batches of the pass a step limit stops in.
@Suite struct LocalWorkTests {
    @Test func stepsAndSamplesByHand() {
        // 60 samples in batches of 8: 7 full batches and one of 4 each epoch.
        let whole = LocalWork(shardSize: 60, batchSize: 8, epochs: 2)
        #expect(whole.batchesPerEpoch == 8 && whole.steps == 16 && whole.sampleVisits == 120 && whole.distinctSamples == 60)
        #expect(!whole.isPartial)
        let three = LocalWork(shardSize: 60, batchSize: 8, epochs: 2, stepLimit: 3)
        #expect(three.steps == 3 && three.sampleVisits == 24 && three.distinctSamples == 24 && three.isPartial)
        let ten = LocalWork(shardSize: 60, batchSize: 8, epochs: 2, stepLimit: 10)
        #expect(ten.steps == 10 && ten.sampleVisits == 60 + 16 && ten.distinctSamples == 60)
        let more = LocalWork(shardSize: 60, batchSize: 8, epochs: 2, stepLimit: 99)
        #expect(more.steps == 16 && !more.isPartial)
    }

    /// The trainer stops after the limit, and its counts are the work's.
    @Test func theTrainerStopsAtTheStepLimit() throws {
        let data = SyntheticTask(featureCount: 8, classCount: 3, noise: 70, seed: 1).makeDataset(count: 60, seed: 2)
        let architecture = ModelArchitecture.mlp(inputs: 8, hidden: [4], classes: 3)
        let configuration = SGDConfiguration(learningRate: 0.1, batchSize: 8)
        let trainer = try LocalTrainer(architecture: architecture, configuration: configuration)
        var parameters = architecture.initialParameters(seed: 1)
        var generator = SeededGenerator(seed: 1)
        let summary = try trainer.train(parameters: &parameters, on: data, epochs: 2, stepLimit: 10, generator: &generator)
        let work = LocalWork(shardSize: 60, batchSize: 8, epochs: 2, stepLimit: 10)
        #expect(summary.batches == work.steps && summary.samples == work.sampleVisits)
        let job = FederatedJob(
            dataset: .synthetic(DatasetSource.SyntheticSettings()), model: architecture, sgd: configuration, localEpochs: 2,
            partition: .iid, clientCount: 1, seed: 1)
        #expect(summary.flops == job.trainingFLOPs(work))
    }
}
