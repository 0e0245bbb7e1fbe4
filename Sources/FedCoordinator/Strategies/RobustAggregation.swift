import FedLedger

/// Byzantine-robust aggregation: the round's deltas are combined by a robust statistic (median,
/// trimmed mean or Krum) instead of the mean, so a few poisoned updates cannot drag the model far;
/// the global model then moves by the result, scaled by a server learning rate.
///
/// These strategies keep every delta of a round until it closes (memory O(clients x model)).
public struct RobustAggregation: AggregationStrategy {
    /// The robust statistic.
    public var combination: DeltaCombination
    /// Scale of the step.
    public var serverLearningRate: Float

    /// Creates a robust strategy.
    public init(combination: DeltaCombination, serverLearningRate: Float = 1) {
        self.combination = combination
        self.serverLearningRate = serverLearningRate
    }

    public var proximalMu: Float { 0 }

    /// The server learning rate; the statistic's own parameters are in ``name``.
    public var settings: [String: Float] { ["serverLearningRate": serverLearningRate] }

    public var name: StrategyLabel {
        switch combination {
        case .weightedMean: return .fedAvg
        case .median: return .median
        case .trimmedMean(let fraction): return .trimmedMean(fraction: fraction)
        case .krum(let byzantine): return .krum(byzantine: byzantine)
        }
    }

    /// Moves the model by the combined delta, as FedAvg moves it by the mean.
    public mutating func apply(meanDelta: [Float], to global: inout [Float]) {
        var step = FedAvg(serverLearningRate: serverLearningRate)
        step.apply(meanDelta: meanDelta, to: &global)
    }
}
