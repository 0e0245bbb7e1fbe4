import FedLedger

/// How a job folds updates into the model, beyond what the job's JSON says: the strategy with its
/// parameters, and clipping. A checkpoint keeps it, and `--resume` under another rule is refused.
public struct AggregationRule: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The strategy.
    public var strategy: StrategyLabel
    /// The strategy's parameters by name.
    public var settings: [String: Float]
    /// The norm deltas are clipped to (nil: no clipping).
    public var clipNorm: Float?

    /// The rule of `strategy` with `clipNorm`.
    public init(strategy: any AggregationStrategy, clipNorm: Float?) {
        self.strategy = strategy.name
        settings = strategy.settings
        self.clipNorm = clipNorm
    }

    /// `FedAdam (beta1 0.9, beta2 0.99, learningRate 0.01, tau 0.001), clip norm 5`.
    public var description: String {
        let parameters = settings.keys.sorted().map { "\($0) \(settings[$0]!)" }.joined(separator: ", ")
        return "\(strategy) (\(parameters)), " + (clipNorm.map { "clip norm \($0)" } ?? "no clipping")
    }
}
