/// How the coordinator turns a round's accepted updates into the next global model (Flower's
/// "strategy"): the updates are averaged, weighted by sample count, as they arrive; the strategy then
/// moves the global model by that mean delta, and may ask clients for a proximal term.
///
/// Adding a strategy means one file conforming to this protocol and one case in ``StrategyName``.
public protocol AggregationStrategy: Sendable {
    /// FedProx mu the clients add to their local objective (0 for none).
    var proximalMu: Float { get }

    /// Moves `global` by the round's sample-weighted mean delta (local minus global).
    mutating func apply(meanDelta: [Float], to global: inout [Float])
}

/// The strategies `--strategy` accepts, with their server-side settings.
public enum StrategyName: String, Sendable, CaseIterable, Codable {
    case fedavg
    case fedprox
    case fedadam
    case fedyogi

    /// The strategy with the given settings (`mu` is used by FedProx only; `beta1`, `beta2`, `tau` by the adaptive ones).
    public func make(serverLearningRate: Float?, mu: Float, beta1: Float, beta2: Float, tau: Float) -> any AggregationStrategy {
        switch self {
        case .fedavg: return FedAvg(serverLearningRate: serverLearningRate ?? 1)
        case .fedprox: return FedProx(mu: mu, serverLearningRate: serverLearningRate ?? 1)
        case .fedadam:
            return FedAdam(optimizer: FedOpt(learningRate: serverLearningRate ?? FedOpt.defaultLearningRate, beta1: beta1, beta2: beta2, tau: tau))
        case .fedyogi:
            return FedYogi(optimizer: FedOpt(learningRate: serverLearningRate ?? FedOpt.defaultLearningRate, beta1: beta1, beta2: beta2, tau: tau))
        }
    }
}
