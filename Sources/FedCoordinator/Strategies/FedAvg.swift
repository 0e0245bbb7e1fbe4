import FedLedger

/// Federated averaging (McMahan et al. 2017): the global model moves by the sample-weighted mean
/// delta, scaled by a server learning rate (1 is plain FedAvg).
public struct FedAvg: AggregationStrategy {
    /// Scale of the step; 1 replaces the global model by the weighted mean of the local models.
    public var serverLearningRate: Float

    /// Creates FedAvg.
    public init(serverLearningRate: Float = 1) { self.serverLearningRate = serverLearningRate }

    public var proximalMu: Float { 0 }

    public var settings: [String: Float] { ["serverLearningRate": serverLearningRate] }

    public var name: StrategyLabel { .fedAvg }

    public mutating func apply(meanDelta: [Float], to global: inout [Float]) {
        for i in global.indices { global[i] += serverLearningRate * meanDelta[i] }
    }
}
