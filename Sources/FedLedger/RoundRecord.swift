import FedCodec
import FedEnergy
import FedFleet

/// One line of `ledger.jsonl`: everything measured in one round attempt.
public struct RoundRecord: Sendable, Codable, Hashable {
    /// 1-based round number.
    public var round: Int
    /// 1-based attempt at this round (a failed attempt is retried).
    public var attempt: Int
    /// `completed`, or `failed` when fewer than the minimum number of updates arrived.
    public var status: Status
    /// Clients sent RoundStart.
    public var selected: [Int]
    /// Clients whose update was accepted.
    public var completed: [Int]
    /// Clients that took part but gave no accepted update, with why.
    public var dropped: [Dropped]
    /// Sample-weighted mean of the completed clients' training losses.
    public var trainLoss: Double?
    /// Test accuracy of the global model after the round (of the unchanged model when it failed),
    /// evaluated by the coordinator on the test set; in a job its clients evaluate (``evaluation``),
    /// the example-weighted mean of their evaluations of the model the round started from (nil
    /// when no client's evaluation came with an accepted update).
    public var testAccuracy: Double?
    /// Test loss of the same model, the same way.
    public var testLoss: Double?
    /// Present when the clients evaluated the model (federated evaluation, for an external model):
    /// which model, and over how many clients and examples. Absent: the coordinator evaluated it.
    public var evaluation: FederatedEvaluation?
    /// Whether the clients' FLOPs are FedWatt's analytic count or their own (nil in ledgers written
    /// before external models: analytic).
    public var flopsSource: FLOPsSource?
    /// Per-client measurements.
    public var clients: [ClientRound]
    /// The round's downlink encoding after each stage: the difference, when one was sent
    /// (`--downlink-delta`), else the global model. Each client's own is in `clients`.
    public var downlinkStages: StageSizes
    /// Wall seconds the coordinator spent encoding the global model (once for all clients).
    public var downlinkEncodeSeconds: Double
    /// Wall time from sending RoundStart to the new global model, evaluation excluded.
    public var wallSeconds: Double
    /// Wall time of the test-set evaluation.
    public var evaluationSeconds: Double
    /// Seconds since the job's first round started, at the end of this one.
    public var elapsedSeconds: Double
    /// The round's energy and carbon, summed over its clients, and the running totals.
    public var energy: RoundEnergy
    /// Uplink bytes (read from clients) of every round attempt so far, this one included.
    public var cumulativeUplinkBytes: Int
    /// Downlink bytes (written to clients) of every round attempt so far, this one included.
    public var cumulativeDownlinkBytes: Int
    /// The round in device time, with a `--fleet` (nil without one, and in older ledgers).
    public var device: DeviceRound?

    /// Creates a value with every field given.
    public init(
        round: Int, attempt: Int, status: Status, selected: [Int], completed: [Int], dropped: [Dropped],
        trainLoss: Double? = nil, testAccuracy: Double?, testLoss: Double?, evaluation: FederatedEvaluation? = nil,
        flopsSource: FLOPsSource? = nil, clients: [ClientRound],
        downlinkStages: StageSizes, downlinkEncodeSeconds: Double, wallSeconds: Double, evaluationSeconds: Double,
        elapsedSeconds: Double, energy: RoundEnergy, cumulativeUplinkBytes: Int, cumulativeDownlinkBytes: Int, device: DeviceRound? = nil
    ) {
        self.round = round
        self.attempt = attempt
        self.status = status
        self.selected = selected
        self.completed = completed
        self.dropped = dropped
        self.trainLoss = trainLoss
        self.testAccuracy = testAccuracy
        self.testLoss = testLoss
        self.evaluation = evaluation
        self.flopsSource = flopsSource
        self.clients = clients
        self.downlinkStages = downlinkStages
        self.downlinkEncodeSeconds = downlinkEncodeSeconds
        self.wallSeconds = wallSeconds
        self.evaluationSeconds = evaluationSeconds
        self.elapsedSeconds = elapsedSeconds
        self.energy = energy
        self.cumulativeUplinkBytes = cumulativeUplinkBytes
        self.cumulativeDownlinkBytes = cumulativeDownlinkBytes
        self.device = device
    }

    /// A round in device time.
    public struct DeviceRound: Sendable, Codable, Hashable {
        /// When the round began and when it closed, in device seconds since the job began.
        public var interval: DeviceInterval
        /// The device-time deadline it closed at if updates were missing (`--deadline`; nil: none).
        public var deadline: Double?
        /// Joules of radio tails of clients outside the round: their last transfer's tail, running
        /// into this round's time.
        public var idleRadioTailJoules: Double

        /// Creates a value with every field given.
        public init(interval: DeviceInterval, deadline: Double?, idleRadioTailJoules: Double) {
            self.interval = interval
            self.deadline = deadline
            self.idleRadioTailJoules = idleRadioTailJoules
        }
    }

    /// Outcome of a round attempt.
    public enum Status: String, Sendable, Codable, Hashable {
        case completed
        case failed
    }

    /// A round's energy: every selected client's compute, codec work and radio, and the totals so far.
    public struct RoundEnergy: Sendable, Codable, Hashable {
        /// Devices' training energy.
        public var computeJoules: Double
        /// Devices' encoding and decoding energy (nil: not counted, as in ledgers from before it was).
        public var codecJoules: Double?
        /// Devices' radio energy: transfers both ways plus promotion and tail states.
        public var communicationJoules: Double
        /// Compute, codec work and communication.
        public var totalJoules: Double
        /// Total energy of every round attempt so far, this one included.
        public var cumulativeJoules: Double
        /// `totalJoules` in kWh.
        public var kilowattHours: Double
        /// `totalJoules` on the job's grid.
        public var gramsCO2e: Double
        /// Carbon of every round attempt so far.
        public var cumulativeGramsCO2e: Double

        /// Creates a value with every field given.
        public init(
            computeJoules: Double, codecJoules: Double? = nil, communicationJoules: Double, totalJoules: Double, cumulativeJoules: Double,
            kilowattHours: Double, gramsCO2e: Double, cumulativeGramsCO2e: Double
        ) {
            self.computeJoules = computeJoules
            self.codecJoules = codecJoules
            self.communicationJoules = communicationJoules
            self.totalJoules = totalJoules
            self.cumulativeJoules = cumulativeJoules
            self.kilowattHours = kilowattHours
            self.gramsCO2e = gramsCO2e
            self.cumulativeGramsCO2e = cumulativeGramsCO2e
        }
    }

    /// A selected client with no accepted update.
    public struct Dropped: Sendable, Codable, Hashable {
        /// The client.
        public var client: Int
        /// Why its update is not in the round.
        public var reason: DropReason

        /// Creates a value with every field given.
        public init(client: Int, reason: DropReason) {
            self.client = client
            self.reason = reason
        }
    }

    /// What one selected client cost in the round.
    public struct ClientRound: Sendable, Codable, Hashable {
        /// Client id.
        public var client: Int
        /// Device profile the client declared.
        public var device: String
        /// Link profile the client declared.
        public var link: String
        /// Bytes the coordinator wrote to this client's socket during the round (downlink), framing included.
        public var bytesWritten: Int
        /// Bytes the coordinator read from this client's socket during the round (uplink), framing included.
        public var bytesRead: Int
        /// The model tensor sent to this client, after each downlink stage (nil in ledgers written
        /// before the downlink was recorded per client).
        public var downlinkStages: StageSizes?
        /// Whether that tensor was a difference from the model the client held (`--downlink-delta`).
        public var downlinkDifference: Bool?
        /// Encoded size of the update's delta alone (0 without an update).
        public var payloadBytes: Int
        /// L2 norm of the accepted delta as it arrived, before any clipping (nil without an accepted update).
        public var updateNorm: Double?
        /// Whether the delta was scaled down to `--clip-norm`.
        public var clipped: Bool
        /// The delta's size after each uplink stage, read from its header (nil without an accepted update).
        public var uplinkStages: StageSizes?
        /// Wall seconds the client reported spending on encoding.
        public var encodeSeconds: Double
        /// Wall seconds the coordinator spent decoding the delta.
        public var decodeSeconds: Double
        /// Training samples behind the update.
        public var samples: Int
        /// FLOPs the client counted for its local training (checked against the analytic count, or
        /// as the client reported them: the record's `flopsSource`).
        public var flops: Int
        /// CPU-seconds the client's training thread spent.
        public var cpuSeconds: Double
        /// The client's mean training loss.
        public var trainLoss: Double?
        /// The client's energy in the round, from its counted FLOPs and socket bytes.
        public var energy: ClientEnergy
        /// Its fleet class, with a `--fleet`.
        public var deviceClass: String?
        /// Its round in device time, with a `--fleet`.
        public var timeline: DeviceTimeline?
        /// The most minibatch steps it was asked to train, under `--straggler-policy partial` when its
        /// whole local work did not fit the deadline (nil: all of it).
        public var stepLimit: Int?
        /// Its federated evaluation of the model it received, in a job its clients evaluate.
        public var evaluation: ClientEvaluation?

        /// Creates a value with every field given.
        public init(
            client: Int, device: String, link: String, bytesWritten: Int, bytesRead: Int, downlinkStages: StageSizes? = nil,
            downlinkDifference: Bool? = nil, payloadBytes: Int, updateNorm: Double? = nil, clipped: Bool,
            uplinkStages: StageSizes? = nil, encodeSeconds: Double, decodeSeconds: Double, samples: Int, flops: Int,
            cpuSeconds: Double, trainLoss: Double? = nil, energy: ClientEnergy, deviceClass: String? = nil, timeline: DeviceTimeline? = nil,
            stepLimit: Int? = nil, evaluation: ClientEvaluation? = nil
        ) {
            self.client = client
            self.device = device
            self.link = link
            self.bytesWritten = bytesWritten
            self.bytesRead = bytesRead
            self.downlinkStages = downlinkStages
            self.downlinkDifference = downlinkDifference
            self.payloadBytes = payloadBytes
            self.updateNorm = updateNorm
            self.clipped = clipped
            self.uplinkStages = uplinkStages
            self.encodeSeconds = encodeSeconds
            self.decodeSeconds = decodeSeconds
            self.samples = samples
            self.flops = flops
            self.cpuSeconds = cpuSeconds
            self.trainLoss = trainLoss
            self.energy = energy
            self.deviceClass = deviceClass
            self.timeline = timeline
            self.stepLimit = stepLimit
            self.evaluation = evaluation
        }
    }

    /// One client's energy in one round under its device and link profiles.
    public struct ClientEnergy: Sendable, Codable, Hashable {
        /// Seconds the device needs for the counted FLOPs at its sustained rate.
        public var deviceComputeSeconds: Double
        /// Counted FLOPs / device FLOP/s x device active power.
        public var computeJoules: Double
        /// Device seconds of decoding the model and encoding the update: their counted operations at
        /// the device's FLOP/s (nil: not counted, as in ledgers from before it was).
        public var codecSeconds: Double?
        /// Those seconds at the power training is charged at (nil: not counted).
        public var codecJoules: Double?
        /// Receiving the global model (the coordinator's `bytesWritten`).
        public var downlinkJoules: Double
        /// Sending the update (the coordinator's `bytesRead`).
        public var uplinkJoules: Double
        /// Promotion and tail states, once per radio burst.
        public var radioOverheadJoules: Double
        /// Radio bursts in the round.
        public var radioBursts: Int
        /// Everything the radio drew.
        public var communicationJoules: Double { downlinkJoules + uplinkJoules + radioOverheadJoules }
        /// Compute, codec work and radio.
        public var totalJoules: Double { computeJoules + (codecJoules ?? 0) + communicationJoules }
    }
}

extension RoundRecord.ClientEnergy {
    /// One client's round from its device timeline (a `--fleet`): `tailJoules` is the tail its
    /// radio spent after the round's last transfer, up to the round's close.
    public init(timeline energy: DeviceRoundEnergy, tailJoules: Double) {
        self.init(
            deviceComputeSeconds: energy.computeSeconds, computeJoules: energy.computeJoules, codecSeconds: energy.codecSeconds,
            codecJoules: energy.codecJoules, downlinkJoules: energy.downlinkJoules, uplinkJoules: energy.uplinkJoules,
            radioOverheadJoules: energy.overheadJoules + tailJoules, radioBursts: energy.promotions)
    }

    /// One client's round under `device` and `link`: training `flops` and `codecSeconds` of codec
    /// work (nil: not counted), then the round's socket bytes over the radio (the ledger's figures,
    /// and the report's under every other link). The radio's tail runs on while the device works.
    public init(device: DeviceProfile, link: LinkProfile, flops: Int, codecSeconds: Double?, downloadBytes: Int, uploadBytes: Int) {
        let computeSeconds = device.computeSeconds(flops: flops)
        let radio = link.roundEnergy(
            downloadBytes: downloadBytes, uploadBytes: uploadBytes, computeSeconds: computeSeconds + (codecSeconds ?? 0))
        self.init(
            deviceComputeSeconds: computeSeconds, computeJoules: device.computeJoules(flops: flops), codecSeconds: codecSeconds,
            codecJoules: codecSeconds.map { $0 * device.chargedWatts }, downlinkJoules: radio.downlinkJoules,
            uplinkJoules: radio.uplinkJoules, radioOverheadJoules: radio.overheadJoules, radioBursts: radio.bursts)
    }
}
