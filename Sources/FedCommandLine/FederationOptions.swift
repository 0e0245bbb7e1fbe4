import ArgumentParser
import FedCodec
import FedCoordinator
import FedData
import FedLearning

/// The federated job's settings beyond local SGD as flags: rounds, strategy, selection, partition,
/// codecs (``settings`` gives them as a value).
public struct FederationOptions: ParsableArguments {
    @Option(help: "Rounds to complete.")
    public var rounds: Int = 20

    @Option(
        name: .customLong("stop-at-accuracy"),
        help: "End the job after the first completed round whose test accuracy reaches this (rounds to a target accuracy, as in the FedAvg paper's tables); --rounds stays the most it runs.")
    public var stopAtAccuracy: Double?

    @Option(help: "Aggregation strategy: \(StrategyName.allCases.map(\.rawValue).joined(separator: ", ")).")
    public var strategy: StrategyName = .fedavg

    @Option(help: "FedProx proximal coefficient mu (with --strategy fedprox).")
    public var mu: Float = 0.01

    @Option(name: .customLong("server-lr"), help: "Server learning rate (default: 1 for fedavg/fedprox, 0.01 for fedadam/fedyogi).")
    public var serverLearningRate: Float?

    @Option(help: "Fraction trimmed from each end of every coordinate by --strategy trimmed-mean.")
    public var trim: Double = 0.2

    @Option(help: "Byzantine clients --strategy krum assumes.")
    public var byzantine: Int = 2

    @Option(name: .customLong("clip-norm"), help: "Scale every update down to at most this L2 norm before aggregation (default: no clipping).")
    public var clipNorm: Float?

    @Option(help: "First-moment decay of fedadam/fedyogi.")
    public var beta1: Float = 0.9

    @Option(help: "Second-moment decay of fedadam/fedyogi.")
    public var beta2: Float = 0.99

    @Option(help: "Adaptivity tau of fedadam/fedyogi.")
    public var tau: Float = 1e-3

    @Option(name: .customLong("local-epochs"), help: "Local epochs per round.")
    public var localEpochs: Int = 1

    @Option(help: "Partition: iid, dirichlet:ALPHA, shards:K or quantity:ALPHA.")
    public var partition: PartitionSpec = .iid

    @Option(
        help: "Compression of client updates: a pipeline such as none, fp16+zlib, int8+zlib, qsgd:16+zlib, sign+zlib, topk:0.01+int8+zlib.",
        transform: { try CodecSpec(parsing: $0) })
    public var codec: CodecSpec = .none

    @Option(
        name: .customLong("downlink-codec"), help: "Compression of the global model sent to clients, e.g. fp16+zlib or int8:256+zlib.",
        transform: { try CodecSpec(parsing: $0) })
    public var downlinkCodec: CodecSpec = .none

    @Flag(
        name: .customLong("downlink-delta"),
        help: "Send each round's model as its difference from the one clients reconstructed last round, under --downlink-codec (clients without it get the whole model).")
    public var downlinkDelta = false

    @Option(help: "Fraction of connected clients selected per round (default: all).")
    public var fraction: Double?

    @Option(name: .customLong("per-round"), help: "Number of clients selected per round (default: all).")
    public var perRound: Int?

    @Option(name: .customLong("min-completion"), help: "Updates a round needs; fewer and it is retried (default: half the selected, at least 1).")
    public var minCompletion: Int?

    @Option(name: .customLong("round-timeout"), help: "Seconds a round waits for updates.")
    public var roundTimeout: Double = 60

    @Option(name: .customLong("max-round-attempts"), help: "Attempts per round before the job stops with an error.")
    public var maxRoundAttempts: Int = 3

    public init() {}

    public func validate() throws {
        guard rounds > 0 else { throw ValidationError("--rounds must be at least 1") }
        guard localEpochs > 0 else { throw ValidationError("--local-epochs must be at least 1") }
        if let stopAtAccuracy, !(stopAtAccuracy > 0 && stopAtAccuracy <= 1) {
            throw ValidationError("--stop-at-accuracy must be above 0 and at most 1 (a test accuracy), e.g. --stop-at-accuracy 0.85")
        }
        guard roundTimeout > 0 else { throw ValidationError("--round-timeout must be positive, e.g. --round-timeout 60") }
        guard maxRoundAttempts > 0 else { throw ValidationError("--max-round-attempts must be at least 1") }
        guard fraction == nil || perRound == nil else { throw ValidationError("give --fraction or --per-round, not both") }
        if let fraction, !(fraction > 0 && fraction <= 1) { throw ValidationError("--fraction must be in (0, 1], e.g. 0.5") }
        if let perRound, perRound < 1 { throw ValidationError("--per-round must be at least 1") }
        if let minCompletion, minCompletion < 1 { throw ValidationError("--min-completion must be at least 1") }
        guard mu >= 0, mu.isFinite else { throw ValidationError("--mu must not be negative") }
        guard trim >= 0, trim < 0.5 else { throw ValidationError("--trim must be in [0, 0.5), e.g. 0.2") }
        guard byzantine >= 0 else { throw ValidationError("--byzantine must not be negative") }
        if let clipNorm, !(clipNorm > 0 && clipNorm.isFinite) { throw ValidationError("--clip-norm must be a positive number") }
    }

    /// The settings these flags give.
    public var settings: FederationSettings {
        FederationSettings(
            rounds: rounds, strategy: strategy, mu: mu, serverLearningRate: serverLearningRate, trim: trim, byzantine: byzantine,
            clipNorm: clipNorm, beta1: beta1, beta2: beta2, tau: tau, localEpochs: localEpochs, partition: partition, codec: codec,
            downlinkCodec: downlinkCodec, downlinkDelta: downlinkDelta,
            selection: fraction.map { .fraction($0) } ?? perRound.map { .count($0) } ?? .all, minCompletion: minCompletion,
            roundTimeout: roundTimeout, maxRoundAttempts: maxRoundAttempts, stopAtAccuracy: stopAtAccuracy)
    }
}

extension StrategyName: ExpressibleByArgument {}

extension PartitionSpec: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
