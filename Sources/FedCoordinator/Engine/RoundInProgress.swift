import FedCodec
import FedEnergy
import FedFleet
import FedLearning
import FedLedger
import FedWire

/// The bookkeeping of one open round attempt: who was asked, who answered, who was dropped and why,
/// and the accepted deltas on their way to one combined delta.
struct RoundInProgress {
    /// What a round keeps of an accepted update once its delta is in the collector: the figures for
    /// the ledger, never the delta's bytes (a 500-client round would otherwise hold every upload).
    struct AcceptedUpdate {
        var sampleCount: Int
        var trainLoss: Double
        var flops: Int
        var cpuSeconds: Double
        var encodeSeconds: Double
        /// Its sizes after each stage; `encoded` is the payload's length.
        var stages: StageSizes
        var decodeSeconds: Double
        var norm: Double
        var clipped: Bool
        /// Its client's federated evaluation of the round's model, when one came before it.
        var evaluation: ClientEvaluation?
    }

    /// A selected client as the round saw it when it opened.
    struct Participant {
        var connection: ConnectionID
        var device: DeviceProfile
        var link: LinkProfile
        /// Its fleet class, with a fleet.
        var deviceClass: String?
        /// The most minibatch steps it was asked to train (`--straggler-policy partial`; nil: all).
        var stepLimit: Int?
    }

    var attempt: RoundAttempt
    var selected: [Int]
    var pending: Set<Int>
    var participants: [Int: Participant]
    var accepted: [Int: AcceptedUpdate] = [:]
    /// Updates that were valid but arrived after the round closed in device time: their figures
    /// are recorded (their energy was spent), their deltas are not aggregated.
    var straggled: [Int: AcceptedUpdate] = [:]
    var dropped: [Int: DropReason] = [:]
    /// The federated evaluations received for this attempt, by client, before their updates.
    var evaluations: [Int: ClientEvaluation] = [:]
    var collector: DeltaCollector
    var downlink: DownlinkEncoder.Plan
    /// When it opened and when it closes at the latest, on the job clock.
    var started: Duration
    var deadline: Duration
    /// With a fleet: when it opened on the device clock, each participant's RoundStart frame size,
    /// and the device timeline and energy of each participant whose update arrived.
    var deviceStart: Double?
    /// With over-selection, the updates the round aggregates (the first to arrive in device time),
    /// and the accepted deltas held until the round knows which those are.
    var needed: Int?
    var heldDeltas: [Int: [Float]] = [:]
    var frameBytes: [Int: Int] = [:]
    var timelines: [Int: (timeline: DeviceTimeline, energy: DeviceRoundEnergy)] = [:]

    /// The codec work of `client`'s round under `job`'s codecs and the profiles' `work`: decoding
    /// the model sent to it (every tensor of a chain), and encoding its update, whose stages were `uplink`. Nil without an
    /// update (a client that sent none is charged no training either) or without `work`.
    func codecOperations(for client: Int, uplink: StageSizes?, job: FederatedJob, work: CodecWorkProfile?) -> CodecOperations? {
        guard let work, let uplink else { return nil }
        let model = downlink.model(for: client)
        return CodecOperations(
            decode: work.operations(model.spec(job.downlinkCodec), sizes: model.sizes, .decode),
            encode: work.operations(job.uplinkCodec, sizes: uplink, .encode))
    }

    /// Each selected client's line of the ledger record, given the bytes its connection carried in
    /// the attempt and, with a fleet, the tail each radio spent up to the round's close; without a
    /// fleet, codec work is counted under `job`'s codecs and `codecWork`.
    func clientRounds(bytes: [Int: ByteCounts], tails: [Int: Double], job: FederatedJob, codecWork: CodecWorkProfile?) -> [RoundRecord.ClientRound] {
        selected.map { client in
            let participant = participants[client]!
            let carried = bytes[client] ?? ByteCounts()
            let update = accepted[client] ?? straggled[client]
            let flops = update?.flops ?? 0
            let codec = codecOperations(for: client, uplink: update?.stages, job: job, work: codecWork)
            let energy = timelines[client].map { RoundRecord.ClientEnergy(timeline: $0.energy, tailJoules: tails[client] ?? 0) }
                ?? RoundRecord.ClientEnergy(
                    device: participant.device, link: participant.link, flops: flops,
                    codecSeconds: codec.map { participant.device.seconds(operations: $0.decode + $0.encode) },
                    downloadBytes: carried.written, uploadBytes: carried.read)
            let sent = downlink.model(for: client)
            return RoundRecord.ClientRound(
                client: client, device: participant.device.name, link: participant.link.name, bytesWritten: carried.written,
                bytesRead: carried.read, downlinkStages: sent.sizes, downlinkDifference: sent.base != 0,
                payloadBytes: update?.stages.encoded ?? 0, updateNorm: update?.norm,
                clipped: update?.clipped ?? false, uplinkStages: update?.stages,
                encodeSeconds: update?.encodeSeconds ?? 0, decodeSeconds: update?.decodeSeconds ?? 0,
                samples: update?.sampleCount ?? 0,
                flops: flops, cpuSeconds: update?.cpuSeconds ?? 0, trainLoss: update?.trainLoss, energy: energy,
                deviceClass: participant.deviceClass, timeline: timelines[client]?.timeline, stepLimit: participant.stepLimit,
                evaluation: update?.evaluation)
        }
    }

    /// The sample-weighted mean training loss of the accepted updates (nil when none was accepted).
    var trainLoss: Double? {
        let samples = accepted.values.reduce(0.0) { $0 + Double($1.sampleCount) }
        return samples == 0 ? nil : accepted.values.reduce(0.0) { $0 + $1.trainLoss * Double($1.sampleCount) } / samples
    }

    /// The dropped clients in order, with their reasons.
    var droppedInOrder: [RoundRecord.Dropped] {
        dropped.keys.sorted().map { RoundRecord.Dropped(client: $0, reason: dropped[$0]!) }
    }
}
