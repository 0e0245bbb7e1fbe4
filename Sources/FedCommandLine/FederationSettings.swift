import FedCodec
import FedCoordinator
import FedData

/// The federated job's settings beyond local SGD, as values: what ``FederationOptions`` parses from
/// flags (where their defaults are) and a ``JobDescription`` carries to other processes.
public struct FederationSettings: Sendable, Hashable, Codable {
    /// Rounds to complete.
    public var rounds: Int
    /// The aggregation strategy.
    public var strategy: StrategyName
    /// FedProx's proximal coefficient.
    public var mu: Float
    /// The server learning rate (nil: the strategy's default).
    public var serverLearningRate: Float?
    /// The fraction trimmed-mean trims from each end of every coordinate.
    public var trim: Double
    /// The Byzantine clients Krum assumes.
    public var byzantine: Int
    /// The L2 norm every update is scaled down to at most (nil: no clipping).
    public var clipNorm: Float?
    /// FedAdam's and FedYogi's first-moment decay.
    public var beta1: Float
    /// FedAdam's and FedYogi's second-moment decay.
    public var beta2: Float
    /// FedAdam's and FedYogi's adaptivity.
    public var tau: Float
    /// Local epochs per round.
    public var localEpochs: Int
    /// How the training set is split among the clients.
    public var partition: PartitionSpec
    /// The codec of client updates.
    public var codec: CodecSpec
    /// The codec of the model sent to clients.
    public var downlinkCodec: CodecSpec
    /// Whether the downlink sends differences from the clients' reference model.
    public var downlinkDelta: Bool
    /// Who takes part in a round.
    public var selection: ClientSelection
    /// Updates a round needs (nil: half the selected, at least 1).
    public var minCompletion: Int?
    /// Seconds a round waits for updates.
    public var roundTimeout: Double
    /// Attempts per round before the job stops.
    public var maxRoundAttempts: Int
    /// The test accuracy after which the job ends early (nil: it runs every round).
    public var stopAtAccuracy: Double? = nil

    /// The updates a round needs with `clientCount` clients: the setting, or half the selected (rounded up).
    public func minimumCompletion(clientCount: Int) -> Int {
        if let minCompletion { return minCompletion }
        return max(1, (selection.count(available: clientCount) + 1) / 2)
    }

    /// The configured strategy.
    public func makeStrategy() -> any AggregationStrategy {
        strategy.make(serverLearningRate: serverLearningRate, mu: mu, beta1: beta1, beta2: beta2, tau: tau, trim: trim, byzantine: byzantine)
    }
}
