import FedEnergy
import FedFleet
import FedWire
import FedLearning

/// Everything `fedwatt-coordinator` is told on its command line.
public struct CoordinatorConfiguration: Sendable {
    /// The job sent to every client.
    public var job: FederatedJob
    /// Completed rounds to run.
    public var rounds: Int
    /// Registered clients needed before a round starts.
    public var minClients: Int
    /// Who takes part in each round.
    public var selection: ClientSelection
    /// Accepted updates a round needs; fewer and the attempt fails and is retried.
    public var minCompletion: Int
    /// How long a round waits for updates.
    public var roundTimeoutSeconds: Double
    /// Attempts per round before the job gives up.
    public var maxRoundAttempts: Int
    /// The server-side strategy.
    public var strategy: any AggregationStrategy
    /// Folder for `ledger.jsonl`, `summary.json`, `profiles.json` and the checkpoints.
    public var outputDirectory: String
    /// Deltas with a larger L2 norm are scaled down to it before aggregation (nil: no clipping).
    public var clipNorm: Float?
    /// Secrets clients must prove at Register (nil: any client id may join).
    public var secrets: ClientSecrets?
    /// Continue the job checkpointed in `outputDirectory` instead of starting afresh.
    public var resume: Bool = false
    /// Send each round's model as its difference from the model clients reconstructed last round
    /// (`--downlink-delta`), under the job's downlink codec.
    public var downlinkDeltas: Bool = false
    /// The profiles clients' device and link names refer to.
    public var profiles: EnergyProfiles
    /// The grid whose carbon intensity the ledger uses.
    public var grid: GridProfile
    /// The fleet the clients stand for (`--fleet`): with one, rounds run on a device clock, each
    /// client's class, speed and radio decide when its update arrives and what it costs (nil: the
    /// host's time, and each client's declared profiles).
    public var fleet: Fleet?
    /// Device seconds a round waits for updates, with a fleet (`--deadline`; nil: it waits for
    /// every update that comes); later ones are stragglers.
    public var deviceDeadlineSeconds: Double?
    /// With a fleet, select this factor times the clients the selection wants and aggregate the
    /// first that many updates to arrive in device time (`--over-select`; nil: no over-selection).
    public var overSelection: Double?
    /// With a fleet and a deadline, whether clients too slow for it straggle or do the work that fits
    /// (`--straggler-policy`).
    public var stragglerPolicy = StragglerPolicy.drop
    /// The job ends after the first completed round whose test accuracy reaches this
    /// (`--stop-at-accuracy`; nil: it runs all `rounds`).
    public var stopAtAccuracy: Double?

    /// Creates a configuration.
    public init(
        job: FederatedJob, rounds: Int, minClients: Int, selection: ClientSelection = .all, minCompletion: Int = 1,
        roundTimeoutSeconds: Double = 60, maxRoundAttempts: Int = 3, strategy: any AggregationStrategy = FedAvg(),
        outputDirectory: String, clipNorm: Float? = nil, profiles: EnergyProfiles, grid: GridProfile
    ) {
        self.job = job
        self.rounds = rounds
        self.minClients = minClients
        self.selection = selection
        self.minCompletion = minCompletion
        self.roundTimeoutSeconds = roundTimeoutSeconds
        self.maxRoundAttempts = maxRoundAttempts
        self.strategy = strategy
        self.outputDirectory = outputDirectory
        self.clipNorm = clipNorm
        self.profiles = profiles
        self.grid = grid
    }

    /// The largest frame payload accepted from a client: an update in the largest encoding any
    /// pipeline produces (dense float32 with a bitmap, before zlib) plus headers. Anything longer is
    /// refused from its header, before it is buffered.
    public var maximumPayloadSize: Int { job.model.parameterCount * 6 + 4096 }
}
