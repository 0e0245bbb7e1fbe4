import FedCodec
import FedLearning

/// The content of `summary.json`, written when the job ends.
public struct JobSummary: Sendable, Codable {
    /// The job the clients ran.
    public var job: FederatedJob
    /// The strategy.
    public var strategy: StrategyLabel
    /// Rounds asked for.
    public var rounds: Int
    /// Rounds completed.
    public var roundsCompleted: Int
    /// Round attempts that failed and were retried.
    public var failedAttempts: Int
    /// Test accuracy of the final global model; in a job its clients evaluate, the ledger's last
    /// federated evaluation (of the model the last round started from: no client evaluates the
    /// model the last round produced).
    public var finalAccuracy: Double
    /// Test loss of the same model.
    public var finalLoss: Double
    /// Bytes read from clients during rounds (uplink), from the ledger.
    public var uplinkBytes: Int
    /// Bytes written to clients during rounds (downlink), from the ledger.
    public var downlinkBytes: Int
    /// Every accepted update's size after each uplink stage, summed.
    public var uplinkStages: StageSizes
    /// Every sent global model's size after each downlink stage, summed.
    public var downlinkStages: StageSizes
    /// FLOPs the clients counted, from the ledger.
    public var clientFLOPs: Int
    /// CPU-seconds of the clients' training threads, from the ledger.
    public var clientCPUSeconds: Double
    /// Sum of the rounds' wall times (evaluation excluded).
    public var roundsWallSeconds: Double
    /// Sum of the evaluations' wall times.
    public var evaluationSeconds: Double
    /// Wall time from the first round's start to the end of the job.
    public var elapsedSeconds: Double
    /// The grid the carbon figures use.
    public var grid: String
    /// Devices' training energy over all rounds.
    public var computeJoules: Double
    /// Devices' encoding and decoding energy over all rounds (nil: not counted).
    public var codecJoules: Double?
    /// Devices' radio energy over all rounds.
    public var communicationJoules: Double
    /// Compute, codec work and communication.
    public var totalJoules: Double
    /// Carbon of the whole job on the grid.
    public var gramsCO2e: Double
    /// Every byte each client's connections carried, registration and Bye included, counted at the socket.
    public var connectionBytes: [ClientBytes]
    /// With a fleet, device seconds from the job's start to the end of its last round (nil without one).
    public var deviceSeconds: Double?
    /// With a fleet, joules spent by clients whose update was not aggregated (stragglers, the not
    /// needed, the offline), their compute and radio both.
    public var wastedJoules: Double?

    /// Creates a value with every field given.
    public init(
        job: FederatedJob, strategy: StrategyLabel, rounds: Int, roundsCompleted: Int, failedAttempts: Int, finalAccuracy: Double,
        finalLoss: Double, uplinkBytes: Int, downlinkBytes: Int, uplinkStages: StageSizes, downlinkStages: StageSizes,
        clientFLOPs: Int, clientCPUSeconds: Double, roundsWallSeconds: Double, evaluationSeconds: Double,
        elapsedSeconds: Double, grid: String, computeJoules: Double, codecJoules: Double? = nil, communicationJoules: Double, totalJoules: Double,
        gramsCO2e: Double, connectionBytes: [ClientBytes], deviceSeconds: Double? = nil, wastedJoules: Double? = nil
    ) {
        self.job = job
        self.strategy = strategy
        self.rounds = rounds
        self.roundsCompleted = roundsCompleted
        self.failedAttempts = failedAttempts
        self.finalAccuracy = finalAccuracy
        self.finalLoss = finalLoss
        self.uplinkBytes = uplinkBytes
        self.downlinkBytes = downlinkBytes
        self.uplinkStages = uplinkStages
        self.downlinkStages = downlinkStages
        self.clientFLOPs = clientFLOPs
        self.clientCPUSeconds = clientCPUSeconds
        self.roundsWallSeconds = roundsWallSeconds
        self.evaluationSeconds = evaluationSeconds
        self.elapsedSeconds = elapsedSeconds
        self.grid = grid
        self.computeJoules = computeJoules
        self.codecJoules = codecJoules
        self.communicationJoules = communicationJoules
        self.totalJoules = totalJoules
        self.gramsCO2e = gramsCO2e
        self.connectionBytes = connectionBytes
        self.deviceSeconds = deviceSeconds
        self.wastedJoules = wastedJoules
    }

    /// A client's whole-connection byte counts, summed over its reconnections.
    public struct ClientBytes: Sendable, Codable, Hashable {
        public var client: Int
        public var read: Int
        public var written: Int

        /// Creates a value with every field given.
        public init(
            client: Int, read: Int, written: Int
        ) {
            self.client = client
            self.read = read
            self.written = written
        }
    }
}
