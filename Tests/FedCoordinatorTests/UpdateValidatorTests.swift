import FedCodec
import FedCoordinator
import FedData
import FedLearning
import FedWire
import Testing

/// The delta checks and the norm the validator computes in one pass over the decoded values.
@Suite struct UpdateValidatorTests {
    let job: FederatedJob = {
        var settings = DatasetSource.SyntheticSettings()
        settings.features = 8
        settings.classes = 3
        return FederatedJob(
            dataset: .synthetic(settings), model: .mlp(inputs: 8, hidden: [16], classes: 3),
            sgd: SGDConfiguration(learningRate: 0.1, batchSize: 8), localEpochs: 1, partition: .iid, clientCount: 1, seed: 3)
    }()
    var validator: UpdateValidator { UpdateValidator(job: job, shardSizes: [40]) }

    /// An honest client's update of 40 samples carrying `delta`.
    private func update(_ delta: [Float]) -> Update {
        Update(
            round: 1, sampleCount: 40, trainLoss: 1, flops: UInt64(job.trainingFLOPs(job.localWork(samples: 40))!), cpuSeconds: 0.5,
            delta: TensorCodec.encode(delta))
    }

    /// Why the validator refuses an honest update carrying `delta` (nil: it accepts it).
    private func refusal(_ delta: [Float]) -> WireError? {
        do {
            _ = try validator.validate(update(delta), from: 0)
            return nil
        } catch {
            return error
        }
    }

    private func randomDelta(seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<job.model.parameterCount).map { _ in Float(generator.nextNormal()) }
    }

    @Test func theNormIsTheSquaresSummedInOrder() throws {
        let delta = randomDelta(seed: 1)
        let accepted = try validator.validate(update(delta), from: 0)
        #expect(accepted.delta == delta)
        #expect(accepted.norm == delta.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
    }

    @Test func valuesAtTheBoundAreAccepted() throws {
        var delta = randomDelta(seed: 2)
        delta[0] = UpdateValidator.maximumDeltaMagnitude
        delta[delta.count - 1] = -UpdateValidator.maximumDeltaMagnitude
        #expect(try validator.validate(update(delta), from: 0).delta == delta)
    }

    /// A bad value anywhere, the first and last included, is refused, naming its index.
    @Test(arguments: [Float.nan, .infinity, -.infinity, UpdateValidator.maximumDeltaMagnitude.nextUp, -1e5])
    func anUnboundedValueIsRefused(_ bad: Float) {
        for index in [0, 7, job.model.parameterCount - 1] {
            var delta = randomDelta(seed: 3)
            delta[index] = bad
            let error = refusal(delta)
            #expect(error?.code == (bad.isFinite ? .valueOutOfRange : .nonFiniteValues))
            #expect(error?.detail.hasPrefix("delta value \(index) is ") == true)
        }
    }

    /// A non-finite value is named before a larger finite one that comes earlier, as the checks
    /// have always run: every value for finiteness first, then every value for its bound.
    @Test func aNonFiniteValueIsNamedBeforeAnOutOfRangeOne() {
        var delta = randomDelta(seed: 4)
        delta[2] = 5e4
        delta[9] = .nan
        let error = refusal(delta)
        #expect(error?.code == .nonFiniteValues)
        #expect(error?.detail.hasPrefix("delta value 9 is ") == true)
    }
}
