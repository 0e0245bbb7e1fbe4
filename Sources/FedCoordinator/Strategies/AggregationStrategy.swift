import FedLedger

/// How the coordinator turns a round's accepted updates into the next global model (Flower's
/// "strategy"): the updates are combined (by default the sample-weighted mean, folded in as they
/// arrive); the strategy then moves the global model by the combined delta, and may ask clients for
/// a proximal term.
///
/// Adding a strategy means one file conforming to this protocol and one case in ``StrategyName``.
public protocol AggregationStrategy: Sendable {
    /// FedProx mu the clients add to their local objective (0 for none).
    var proximalMu: Float { get }

    /// How the round's deltas are combined before ``apply(meanDelta:to:)``.
    var combination: DeltaCombination { get }

    /// The name the ledger and report give the strategy.
    var name: StrategyLabel { get }

    /// The strategy's parameters by name: with ``name``, what a checkpoint keeps so that a resume
    /// under another rule is refused.
    var settings: [String: Float] { get }

    /// The strategy's own state, for checkpoints (empty for stateless strategies).
    var state: [[Float]] { get }

    /// Takes back the state a checkpoint saved.
    mutating func restore(state: [[Float]]) throws

    /// Moves `global` by the round's combined delta (local minus global).
    mutating func apply(meanDelta: [Float], to global: inout [Float])
}

extension AggregationStrategy {
    /// The streaming sample-weighted mean: O(model) memory whatever the number of clients.
    public var combination: DeltaCombination { .weightedMean }

    /// No state.
    public var state: [[Float]] { [] }

    /// Accepts only the empty state.
    public mutating func restore(state: [[Float]]) throws {
        guard state.isEmpty else { throw CheckpointError.mismatch("the checkpoint holds state for another strategy") }
    }
}

/// How a round's accepted deltas become one delta.
public enum DeltaCombination: Sendable, Hashable {
    /// Sample-weighted mean, folded in as updates arrive (memory O(model)).
    case weightedMean
    /// Coordinate-wise median (Yin et al. 2018); keeps every delta of the round.
    case median
    /// Coordinate-wise mean after dropping the `fraction` largest and smallest values (Yin et al. 2018).
    case trimmedMean(fraction: Double)
    /// The one delta closest to its n - f - 2 nearest neighbours (Krum, Blanchard et al. 2017).
    case krum(byzantine: Int)

    /// Whether every delta of the round must be kept until it closes.
    public var buffersUpdates: Bool { self != .weightedMean }
}

/// The strategies `--strategy` accepts, with their server-side settings.
public enum StrategyName: String, Sendable, CaseIterable, Codable {
    case fedavg
    case fedprox
    case fedadam
    case fedyogi
    case median
    case trimmedMean = "trimmed-mean"
    case krum

    /// The strategy with the given settings (`mu` is used by FedProx only; `beta1`, `beta2`, `tau` by the
    /// adaptive ones; `trim` by trimmed-mean; `byzantine` by Krum).
    public func make(
        serverLearningRate: Float?, mu: Float, beta1: Float, beta2: Float, tau: Float, trim: Double = 0.2, byzantine: Int = 2
    ) -> any AggregationStrategy {
        let rate = serverLearningRate ?? 1
        let adaptive = FedOpt(learningRate: serverLearningRate ?? FedOpt.defaultLearningRate, beta1: beta1, beta2: beta2, tau: tau)
        switch self {
        case .fedavg: return FedAvg(serverLearningRate: rate)
        case .fedprox: return FedProx(mu: mu, serverLearningRate: rate)
        case .fedadam: return FedAdam(optimizer: adaptive)
        case .fedyogi: return FedYogi(optimizer: adaptive)
        case .median: return RobustAggregation(combination: .median, serverLearningRate: rate)
        case .trimmedMean: return RobustAggregation(combination: .trimmedMean(fraction: trim), serverLearningRate: rate)
        case .krum: return RobustAggregation(combination: .krum(byzantine: byzantine), serverLearningRate: rate)
        }
    }
}
