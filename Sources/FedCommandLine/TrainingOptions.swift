import ArgumentParser
import FedLearning

/// Local SGD settings shared by the centralized baseline and the federated clients.
public struct TrainingOptions: ParsableArguments {
    @Option(help: "SGD learning rate.")
    public var lr: Float = 0.1

    @Option(help: "Minibatch size.")
    public var batch: Int = 32

    @Option(help: "Heavy-ball momentum (0 = plain SGD).")
    public var momentum: Float = 0

    @Option(name: .customLong("weight-decay"), help: "L2 weight decay coefficient.")
    public var weightDecay: Float = 0

    @Option(help: "Seed for initialisation, partition, sampling and batch order.")
    public var seed: UInt64 = 1

    public init() {}

    /// The SGD configuration these options describe.
    public var sgd: SGDConfiguration {
        SGDConfiguration(learningRate: lr, batchSize: batch, momentum: momentum, weightDecay: weightDecay)
    }

    public func validate() throws {
        do {
            try sgd.validate()
        } catch let error as TrainingError {
            throw ValidationError(error.description)
        }
    }
}
