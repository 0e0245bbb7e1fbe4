import FedLedger

/// FedProx (Li et al. 2020): clients add `mu/2 * |w - w_global|^2` to their local loss, which keeps
/// heterogeneous clients from drifting; the server aggregates as FedAvg does.
public struct FedProx: AggregationStrategy {
    /// The proximal coefficient sent to clients.
    public var mu: Float
    private var averaging: FedAvg

    /// Creates FedProx.
    public init(mu: Float, serverLearningRate: Float = 1) {
        self.mu = mu
        averaging = FedAvg(serverLearningRate: serverLearningRate)
    }

    public var proximalMu: Float { mu }

    public var settings: [String: Float] { averaging.settings.merging(["mu": mu]) { $1 } }

    public var name: StrategyLabel { .fedProx }

    public mutating func apply(meanDelta: [Float], to global: inout [Float]) {
        averaging.apply(meanDelta: meanDelta, to: &global)
    }
}
