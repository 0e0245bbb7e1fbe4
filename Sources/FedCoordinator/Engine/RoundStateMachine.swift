import FedCodec
import FedData
import FedEnergy
import FedFleet
import FedLearning
import FedLedger
import FedWire
import Foundation
import NIOCore

/// The coordinator's round logic as a value: it takes ``RoundEvent``s and returns ``RoundAction``s.
///
/// It owns authentication, registration, selection, validation, clipping, aggregation, evaluation,
/// retries and each round's bookkeeping. It does no I/O and takes no locks; the only time it knows
/// is its ``JobClock``'s. The ``Coordinator`` actor feeds it what happens on the sockets and its
/// clock, and carries out what it returns; a test can do the same with a ``ManualJobClock`` and no
/// sockets at all.
///
/// A client's bad input is refused (an Error frame and a close) and changes nothing else: an update
/// is validated completely before it is folded in.
public struct RoundStateMachine {
    /// The configuration it was made with.
    public let configuration: CoordinatorConfiguration
    /// The job description sent in every Welcome and kept in every checkpoint.
    public let jobJSON: String
    private let testSet: Dataset
    private let validator: UpdateValidator
    private let aggregation: AggregationRule
    private let clock: any JobClock
    private var strategy: any AggregationStrategy
    private var global: [Float]
    private var downlink: DownlinkEncoder
    /// The device world, with a fleet.
    private var world: DeviceWorld?
    /// Each client's last Update frame in bytes, and the last of any client: what a partial-work
    /// budget expects the next upload to take.
    private var uploadBytesSeen: [Int: Int] = [:]
    private var lastUploadBytes: Int?
    /// With a fleet, each client's last update's stage sizes, and the last any client sent: the
    /// expected encoding work of a partial-work budget.
    private var uplinkStagesSeen: [Int: StageSizes] = [:]
    private var lastUplinkStages: StageSizes?

    /// Each connection's Challenge nonce, until one Register has used it.
    private var nonces: [ConnectionID: [UInt8]] = [:]
    private var clientOfConnection: [ConnectionID: Int] = [:]
    private var registered: [Int: RegisteredClient] = [:]
    /// How many of the registered clients are ready, kept as they change (``setReady(_:_:)``): a
    /// pass over ten thousand registrations for every event would make registering them quadratic.
    private var readyCount = 0
    private var next: RoundAttempt
    private var current: RoundInProgress?
    /// The attempt whose writes are being settled, between ``RoundAction/settleRound(_:participants:writesDue:)``
    /// and ``RoundEvent/writesSettled(_:bytes:)``.
    private var closing: RoundInProgress?
    private var records: [RoundRecord]
    private var jobStart: Duration?
    private var finished = false
    private var actions: [RoundAction] = []

    private struct RegisteredClient {
        var connection: ConnectionID
        var device: DeviceProfile
        var link: LinkProfile
        /// Set when the client has acknowledged the Welcome (Ack round 0): its data is loaded.
        var ready = false
        /// The RoundStarts sent on this connection that its client has not answered yet, oldest
        /// first: a client answers each with one Update, in order, so each Update is paired with the
        /// round attempt it belongs to, and one for an attempt that has closed is known to be late.
        var unanswered: [RoundAttempt] = []
    }

    /// How long past the round's deadline its last writes (an Ack just sent) may take.
    public static let lastWriteGrace = Duration.milliseconds(500)

    /// A machine for the job in `configuration`, at its first round, or, given `checkpoint` and the
    /// ledger's `records` up to it, where the checkpoint left off. `trainingLabels` are the training
    /// set's labels, from which each client's shard size is derived, as the clients do.
    public init(
        configuration: CoordinatorConfiguration, testSet: Dataset, trainingLabels: [UInt8], clock: any JobClock,
        resumingFrom checkpoint: Checkpoint? = nil, records: [RoundRecord] = []
    ) throws {
        var job = configuration.job
        job.sgd.proximalMu = configuration.strategy.proximalMu
        try job.validate()
        try job.model.architecture?.validate(for: testSet)
        var configuration = configuration
        configuration.job = job
        self.configuration = configuration
        self.testSet = testSet
        self.clock = clock
        jobJSON = try job.jsonText()
        validator = UpdateValidator(
            job: job, shardSizes: try job.shardSizes(trainingLabels: trainingLabels),
            testSplitSizes: job.model.evaluatedByClients ? try job.testSplitSizes(testLabels: testSet.labels) : [])
        aggregation = AggregationRule(strategy: configuration.strategy, clipNorm: configuration.clipNorm)
        strategy = configuration.strategy
        global = try configuration.startingModel()
        downlink = DownlinkEncoder(codec: job.downlinkCodec, sendsDifferences: configuration.downlinkDeltas)
        next = RoundAttempt(round: 1, attempt: 1)
        self.records = records
        // A resumed job's device clock carries on from its last round, each radio from its last transfer.
        world = configuration.fleet.map { fleet in
            var lastTransferEnds: [Int: Double] = [:]
            for line in records.flatMap(\.clients) {
                if let timeline = line.timeline { lastTransferEnds[line.client] = timeline.end }
            }
            return DeviceWorld(fleet: fleet, now: records.last?.device?.interval.end ?? 0, lastTransferEnds: lastTransferEnds)
        }
        if let checkpoint {
            guard checkpoint.header.jobJSON == jobJSON else {
                throw CheckpointError.mismatch("the flags describe another job than the one checkpointed in \(configuration.outputDirectory)")
            }
            if let checkpointed = checkpoint.header.aggregation, checkpointed != aggregation {
                throw CheckpointError.mismatch(
                    "the job in \(configuration.outputDirectory) aggregates with \(checkpointed); the flags ask for \(aggregation)")
            }
            guard checkpoint.global.count == global.count else { throw CheckpointError.mismatch("the checkpoint's model has another size") }
            global = checkpoint.global
            try strategy.restore(state: checkpoint.strategyState)
            next = RoundAttempt(round: checkpoint.header.round, attempt: checkpoint.header.attempt)
        }
    }

    /// The current global model.
    public var globalModel: [Float] { global }

    /// Whether the last round completed at or above `--stop-at-accuracy`, which ends the job.
    private var reachedStopAccuracy: Bool {
        guard let target = configuration.stopAtAccuracy, let last = records.last else { return false }
        return last.status == .completed && (last.testAccuracy.map { $0 >= target } ?? false)
    }

    /// The round attempt open now, if one is.
    public var openRound: RoundStatus? {
        current.map { RoundStatus(attempt: $0.attempt, selected: $0.selected, pending: $0.pending, deadline: $0.deadline) }
    }

    /// Clients registered now.
    public var registeredClients: Int { registered.count }
    /// The registered clients that are ready for rounds.
    public var readyClients: Int { readyCount }

    /// Whether every round is done (``RoundAction/finish(_:)`` has been returned).
    public var isFinished: Bool { finished }

    /// What to do first: finish at once if a resumed job had already done its last round.
    public mutating func start() -> [RoundAction] {
        finishIfDone()
        return takeActions()
    }

    /// Takes one event and returns what to do about it, in order.
    public mutating func handle(_ event: RoundEvent) throws -> [RoundAction] {
        guard !finished else { return [] }
        switch event {
        case .connected(let id, let nonce):
            nonces[id] = nonce
            actions.append(.send(.challenge(Challenge(nonce: nonce)), to: id))
        case .message(let id, let message):
            try handle(message, from: id)
        case .refused(let id, let error):
            actions.append(.log(.warning, "refused input from connection \(id): \(error)"))
            if let client = clientOfConnection[id] { try exclude(client, for: error) }
        case .disconnected(let id):
            try disconnected(id)
        case .deadlinePassed(let attempt):
            guard let round = current, round.attempt == attempt else { break }
            for client in round.pending.sorted() { current?.dropped[client] = .timeout }
            current?.pending.removeAll()
            closeRound()
        case .writesSettled(let attempt, let bytes):
            guard let round = closing, round.attempt == attempt else { break }
            closing = nil
            try commit(round, bytes: bytes)
        }
        finishIfDone()
        return takeActions()
    }

    /// The job's summary, once it has finished: `connectionBytes` are each client's bytes over all
    /// its connections, counted at the socket.
    public func summary(connectionBytes: [JobSummary.ClientBytes]) -> JobSummary {
        let completed = records.filter { $0.status == .completed }
        return JobSummary(
            job: configuration.job, strategy: strategy.name, rounds: configuration.rounds,
            roundsCompleted: completed.count, failedAttempts: records.count - completed.count,
            finalAccuracy: records.last { $0.testAccuracy != nil }?.testAccuracy ?? 0,
            finalLoss: records.last { $0.testLoss != nil }?.testLoss ?? 0,
            uplinkBytes: records.last?.cumulativeUplinkBytes ?? 0,
            downlinkBytes: records.last?.cumulativeDownlinkBytes ?? 0,
            uplinkStages: records.flatMap(\.clients).reduce(StageSizes.zero) { $0 + ($1.uplinkStages ?? .zero) },
            downlinkStages: records.reduce(StageSizes.zero) { total, record in
                record.clients.reduce(total) { $0 + ($1.downlinkStages ?? record.downlinkStages) }
            },
            clientFLOPs: records.flatMap(\.clients).reduce(0) { $0 + $1.flops },
            clientCPUSeconds: records.flatMap(\.clients).reduce(0) { $0 + $1.cpuSeconds },
            roundsWallSeconds: records.reduce(0) { $0 + $1.wallSeconds },
            evaluationSeconds: records.reduce(0) { $0 + $1.evaluationSeconds },
            elapsedSeconds: jobStart.map { clock.secondsSince($0) } ?? 0,
            grid: configuration.grid.name,
            computeJoules: records.reduce(0) { $0 + $1.energy.computeJoules },
            codecJoules: configuration.profiles.codecWork.map { _ in records.reduce(0) { $0 + ($1.energy.codecJoules ?? 0) } },
            communicationJoules: records.reduce(0) { $0 + $1.energy.communicationJoules },
            totalJoules: records.last?.energy.cumulativeJoules ?? 0,
            gramsCO2e: records.last?.energy.cumulativeGramsCO2e ?? 0,
            connectionBytes: connectionBytes, deviceSeconds: records.last?.device?.interval.end,
            wastedJoules: world == nil ? nil : records.reduce(0) { total, record in
                let wasted = Set(record.dropped.filter { [.straggler, .notNeeded, .offline].contains($0.reason) }.map(\.client))
                return total + record.clients.filter { wasted.contains($0.client) }.reduce(0) { $0 + $1.energy.totalJoules }
            })
    }

    private mutating func takeActions() -> [RoundAction] {
        defer { actions = [] }
        return actions
    }

    private mutating func finishIfDone() {
        guard !finished, next.round > configuration.rounds || reachedStopAccuracy, closing == nil else { return }
        finished = true
        actions.append(.finish(registered.values.map(\.connection).sorted()))
    }

    // MARK: - Messages

    private mutating func handle(_ message: Message, from id: ConnectionID) throws {
        switch message {
        case .register(let register):
            try handle(register, from: id)
        case .update(let update):
            guard let client = clientOfConnection[id] else {
                return actions.append(.refuse(id, WireError(.unknownClient, "send Register before Update")))
            }
            try handle(update, from: client, on: id)
        case .evaluation(let evaluation):
            guard let client = clientOfConnection[id] else {
                return actions.append(.refuse(id, WireError(.unknownClient, "send Register before Evaluation")))
            }
            try handle(evaluation, from: client, on: id)
        case .ack(let ack) where ack.round == 0:
            guard let client = clientOfConnection[id], registered[client]?.ready == false else {
                return actions.append(.refuse(id, WireError(.unexpectedMessage, "Ack 0 (ready) is sent once, after Welcome")))
            }
            setReady(client, true)
            try startRoundIfReady()
        case .error(let error):
            actions.append(.log(.warning, "connection \(id) reported \(error.code): \(error.text)"))
            actions.append(.close(id))
        case .welcome, .roundStart, .ack, .bye, .challenge:
            actions.append(.refuse(id, WireError(.unexpectedMessage, "a client does not send \(message.type)")))
        }
    }

    private mutating func handle(_ register: Register, from id: ConnectionID) throws {
        let client = Int(register.clientID)
        if let existing = clientOfConnection[id] {
            return actions.append(.refuse(id, WireError(.unexpectedMessage, "this connection is already registered as client \(existing)")))
        }
        // One proof per connection: the nonce is spent whatever the outcome, so a proof cannot be replayed.
        let nonce = nonces.removeValue(forKey: id) ?? []
        if let secret = configuration.secrets?.secret(for: register.clientID) {
            guard ClientAuthentication.verify(register.proof, secret: secret, nonce: nonce, clientID: register.clientID) else {
                return actions.append(.refuse(id, WireError(.authenticationFailed, "client \(client): no valid proof of its secret for this connection")))
            }
        } else if configuration.secrets != nil {
            return actions.append(.refuse(id, WireError(.authenticationFailed, "client \(client) has no secret on this coordinator")))
        }
        guard client < configuration.job.clientCount else {
            return actions.append(.refuse(id, WireError(.unknownClient, "client id \(client) is outside 0..<\(configuration.job.clientCount)")))
        }
        let device: DeviceProfile
        let link: LinkProfile
        do {
            device = try configuration.profiles.device(register.device)
            link = try configuration.profiles.link(register.link)
        } catch {
            return actions.append(.refuse(id, WireError(.unknownProfile, "\(error)")))
        }
        if let previous = registered[client] {
            // The same id again: the client reconnected; its old connection is finished.
            actions.append(.log(.info, "client \(client) reconnected; closing its previous connection"))
            clientOfConnection[previous.connection] = nil
            actions.append(.close(previous.connection))
            try drop(client, reason: .reconnected)
        }
        setReady(client, false)
        registered[client] = RegisteredClient(connection: id, device: device, link: link)
        clientOfConnection[id] = client
        downlink.forget(client)
        actions.append(.admit(id, client: client))
        actions.append(.send(.welcome(Welcome(jobJSON: jobJSON)), to: id))
        actions.append(.log(.debug, "client \(client) registered (device \(register.device), link \(register.link)); \(registered.count) connected"))
    }

    private mutating func handle(_ update: Update, from client: Int, on id: ConnectionID) throws {
        // The RoundStart this Update answers: the oldest one the client has not answered.
        guard let answered = registered[client]?.unanswered.first else {
            let duplicate = current?.accepted[client] != nil && Int(update.round) == current?.attempt.round
            return try reject(
                duplicate
                    ? WireError(.duplicateUpdate, "client \(client) already sent its update for round \(update.round)")
                    : WireError(.notSelected, "client \(client) has no round in progress"),
                client, id)
        }
        registered[client]?.unanswered.removeFirst()
        guard Int(update.round) == answered.round else {
            return try reject(
                WireError(.wrongRound, "update for round \(update.round); the RoundStart it answers is round \(answered.round)"), client, id)
        }
        guard current?.attempt == answered, current?.pending.contains(client) == true else {
            // An honest client that was too slow: its round attempt has closed. It stays for the next.
            return actions.append(.log(.info, "client \(client)'s update for \(answered) came after it closed; dropped"))
        }
        let decodingStart = clock.now
        var accepted: UpdateValidator.Accepted
        do {
            accepted = try validator.validate(update, from: client, stepLimit: current?.participants[client]?.stepLimit)
        } catch {
            return try reject(error, client, id)
        }
        let norm = accepted.norm
        var clipped = false
        if let limit = configuration.clipNorm, norm > Double(limit) {
            clipped = true
            let scale = Float(Double(limit) / norm)
            for i in accepted.delta.indices { accepted.delta[i] *= scale }
        }
        let figures = RoundInProgress.AcceptedUpdate(
            sampleCount: accepted.sampleCount, trainLoss: accepted.trainLoss, flops: accepted.flops, cpuSeconds: accepted.cpuSeconds,
            encodeSeconds: accepted.encodeSeconds, stages: accepted.sizes, decodeSeconds: clock.secondsSince(decodingStart),
            norm: norm, clipped: clipped, evaluation: current!.evaluations[client])
        current!.pending.remove(client)
        if let fate = deviceFate(client, update: update, flops: accepted.flops, uplink: accepted.sizes) {
            current!.straggled[client] = figures
            current!.dropped[client] = fate
        } else {
            if current!.needed != nil {
                current!.heldDeltas[client] = accepted.delta  // over-selected: aggregated once the first arrivals are known
            } else {
                // Changed in place: a copy of the round would copy its model-sized sum for every update.
                current!.collector.add(accepted.delta, weight: Double(accepted.sampleCount))
            }
            current!.accepted[client] = figures
        }
        downlink.answered(client)
        actions.append(.send(.ack(Ack(round: update.round)), to: id))
        if current!.pending.isEmpty { closeRound() }
    }

    /// Takes a client's federated evaluation of the model its oldest unanswered RoundStart carried,
    /// sent before its Update: kept for the round if it is valid, and counted once the Update is
    /// accepted. Refused in a job the coordinator evaluates, a second time for the same RoundStart,
    /// or for a round it does not answer; dropped quietly when that round attempt has closed.
    private mutating func handle(_ evaluation: EvaluationReport, from client: Int, on id: ConnectionID) throws {
        guard configuration.job.model.evaluatedByClients else {
            return try reject(
                WireError(.unexpectedMessage, "this job's model is evaluated by the coordinator; clients send no Evaluation"), client, id)
        }
        guard let answers = registered[client]?.unanswered.first else {
            return try reject(WireError(.notSelected, "client \(client) has no round in progress"), client, id)
        }
        guard Int(evaluation.round) == answers.round else {
            return try reject(
                WireError(.wrongRound, "evaluation for round \(evaluation.round); the RoundStart it answers is round \(answers.round)"), client, id)
        }
        guard current?.attempt == answers, current?.pending.contains(client) == true else {
            return actions.append(.log(.info, "client \(client)'s evaluation for \(answers) came after it closed; dropped"))
        }
        guard current!.evaluations[client] == nil else {
            return try reject(WireError(.duplicateUpdate, "client \(client) already sent its evaluation for round \(evaluation.round)"), client, id)
        }
        do {
            current!.evaluations[client] = try validator.validate(evaluation, from: client)
        } catch {
            return try reject(error, client, id)
        }
    }

    /// With a fleet, places `client`'s round on the device clock (its RoundStart down, `flops` of
    /// training and the codec work of `uplink`'s stages, `update` up) and says why the update cannot be aggregated, if it cannot: its online
    /// window ended first (`offline`), or it arrives after the round's device-time deadline
    /// (`straggler`). Without a fleet, every update counts.
    private mutating func deviceFate(_ client: Int, update: Update, flops: Int, uplink: StageSizes) -> DropReason? {
        guard world != nil, let round = current, let start = round.deviceStart else { return nil }
        let uploadBytes = update.frameBytes
        (uploadBytesSeen[client], lastUploadBytes) = (uploadBytes, uploadBytes)
        (uplinkStagesSeen[client], lastUplinkStages) = (uplink, uplink)
        let codec = round.codecOperations(for: client, uplink: uplink, job: configuration.job, work: configuration.profiles.codecWork)
        let placed = world!.clientRound(
            client, from: start, downloadBytes: round.frameBytes[client] ?? 0, flops: flops, uploadBytes: uploadBytes, codec: codec)
        current!.timelines[client] = placed
        if world!.fleet.offlineTime(client, after: start, before: placed.timeline.end) != nil { return .offline }
        guard let deadline = configuration.deviceDeadlineSeconds, placed.timeline.end > start + deadline else { return nil }
        return .straggler
    }

    /// Refuses a registered client's input: an Error frame, the connection closed, the client out of
    /// the round in progress and of any round until it reconnects. Nothing it sent is kept.
    private mutating func reject(_ error: WireError, _ client: Int, _ id: ConnectionID) throws {
        actions.append(.refuse(id, error))
        try exclude(client, for: error)
    }

    /// Takes a client whose input was refused out of the round in progress, and out of any round
    /// until it registers again.
    private mutating func exclude(_ client: Int, for error: WireError) throws {
        setReady(client, false)
        try drop(client, reason: .rejected("\(error)"))
    }

    private mutating func drop(_ client: Int, reason: DropReason) throws {
        guard let round = current, round.pending.contains(client) else { return }
        current?.pending.remove(client)
        current?.dropped[client] = reason
        actions.append(.log(.warning, "client \(client) dropped from round \(round.attempt.round): \(reason)"))
        if current?.pending.isEmpty == true { closeRound() }
    }

    /// Marks a registered `client` ready or not, counting the change.
    private mutating func setReady(_ client: Int, _ ready: Bool) {
        guard let was = registered[client]?.ready, was != ready else { return }
        registered[client]!.ready = ready
        readyCount += ready ? 1 : -1
    }

    private mutating func disconnected(_ id: ConnectionID) throws {
        nonces[id] = nil
        guard let client = clientOfConnection.removeValue(forKey: id) else { return }
        if registered[client]?.connection == id {
            setReady(client, false)
            registered[client] = nil
        }
        actions.append(.log(.debug, "client \(client) disconnected; \(registered.count) connected"))
        try drop(client, reason: .disconnected)
    }

    // MARK: - Rounds

    private mutating func startRoundIfReady() throws {
        guard current == nil, closing == nil, next.round <= configuration.rounds, !reachedStopAccuracy,
            readyCount >= configuration.minClients
        else { return }
        let ready = registered.filter(\.value.ready).map(\.key)
        guard let online = onlineClients(among: ready) else { return }
        // Over-selection asks ceil(F x K) clients for the K updates the selection wants.
        let overSelection = world == nil ? nil : configuration.overSelection
        let wanted = configuration.selection.count(available: online.count)
        let needed = overSelection.map { _ in wanted }
        let asked = overSelection.map { ClientSelection.count(Int((Double(wanted) * $0).rounded(.up))) } ?? configuration.selection
        let selected = asked.select(from: online, seed: configuration.job.seed, round: next.round, attempt: next.attempt)
        var rounding = configuration.job.encodingGenerator(clientID: -1, round: next.round)
        let plan = try downlink.plan(global: global, selected: selected, generator: &rounding)
        let now = clock.now
        if jobStart == nil {
            jobStart = now
            actions.append(.log(.info, "\(ready.count) clients ready \((now.inSeconds * 100).rounded() / 100) s after start-up; round \(next.round) opens"))
        }
        // One frame per kind of model and step limit, shared by the connections that get it.
        var frames: [RoundStartKind: ByteBuffer] = [:]
        func frame(_ kind: RoundStartKind, _ models: [EncodedTensor]) -> ByteBuffer {
            if let frame = frames[kind] { return frame }
            let frame = Message.roundStart(RoundStart(
                round: UInt32(next.round), localEpochs: UInt32(configuration.job.localEpochs),
                deadlineMilliseconds: UInt32(min(Double(UInt32.max), configuration.roundTimeoutSeconds * 1000)),
                learningRate: configuration.job.sgd.learningRate, modelVersion: plan.version, baseVersion: kind.base,
                stepLimit: UInt32(kind.stepLimit ?? 0), models: models)).encodedFrame()
            frames[kind] = frame
            return frame
        }
        var deliveries: [RoundOpening.Delivery] = []
        var participants: [Int: RoundInProgress.Participant] = [:]
        for client in selected {
            let entry = registered[client]!
            let model = plan.model(for: client)
            // The step limit does not change the frame's size, so the whole-work frame sizes the budget.
            let stepLimit = partialWork(
                for: client, downloadBytes: frame(RoundStartKind(base: model.base), model.tensors).readableBytes, model: model)
            let sent = frame(RoundStartKind(base: model.base, stepLimit: stepLimit), model.tensors)
            deliveries.append(RoundOpening.Delivery(client: client, connection: entry.connection, frame: sent))
            let member = configuration.fleet?.members[client]
            participants[client] = RoundInProgress.Participant(
                connection: entry.connection, device: member?.device ?? entry.device, link: member?.link ?? entry.link,
                deviceClass: member?.className, stepLimit: stepLimit)
            registered[client]!.unanswered.append(next)
        }
        let deadline = now + .seconds(configuration.roundTimeoutSeconds)
        current = RoundInProgress(
            attempt: next, selected: selected, pending: Set(selected), participants: participants,
            collector: DeltaCollector(combination: strategy.combination, parameterCount: global.count),
            downlink: plan, started: now, deadline: deadline, deviceStart: world?.now, needed: needed,
            frameBytes: Dictionary(uniqueKeysWithValues: deliveries.map { ($0.client, $0.frame.readableBytes) }))
        actions.append(.openRound(RoundOpening(attempt: next, deliveries: deliveries, deadline: deadline)))
    }

    /// A RoundStart as the connections of one round get it: the model it carries and the client's
    /// step limit.
    private struct RoundStartKind: Hashable {
        var base: UInt32
        var stepLimit: Int?
    }

    /// Under `--straggler-policy partial`, the most minibatch steps `client` can train in the round
    /// opening now and still have its update arrive by the device-time deadline, after a RoundStart
    /// of `downloadBytes` carrying `model` (at least 1, so a client that cannot make it straggles);
    /// nil when its whole local work fits, or under `drop`.
    ///
    /// The upload is expected to be as large as the client's last Update, or any client's, or a
    /// dense one in the first round, and its encoding as costly; each step as costly as a full batch's.
    private mutating func partialWork(for client: Int, downloadBytes: Int, model: DownlinkEncoder.Plan.Model) -> Int? {
        let job = configuration.job
        guard configuration.stragglerPolicy == .partial, let world, let deadline = configuration.deviceDeadlineSeconds,
            let stepFLOPs = job.trainingFLOPs(job.localWork(samples: job.sgd.batchSize, stepLimit: 1))
        else { return nil }
        let whole = job.localWork(samples: validator.shardSizes[client])
        let uploadBytes = uploadBytesSeen[client] ?? lastUploadBytes ?? denseUpdateFrameBytes()
        let dense = StageSizes(raw: global.count * 4, sparsified: global.count * 4, quantized: global.count * 4, encoded: global.count * 4)
        let uplink = uplinkStagesSeen[client] ?? lastUplinkStages ?? dense
        let codec = configuration.profiles.codecWork.map {
            CodecOperations(decode: $0.operations(model.spec(job.downlinkCodec), sizes: model.sizes, .decode), encode: $0.operations(job.uplinkCodec, sizes: uplink, .encode))
        }
        let budget = world.trainingBudget(
            client, from: world.now, downloadBytes: downloadBytes, uploadBytes: uploadBytes, codec: codec, deadline: world.now + deadline)
        let stepSeconds = world.fleet.members[client].computeSeconds(flops: stepFLOPs)
        let fitting = budget > 0 ? Int((budget / stepSeconds).rounded(.down)) : 0
        return fitting >= whole.steps ? nil : max(1, fitting)
    }

    /// The frame size of an Update carrying an uncompressed delta of the model.
    private mutating func denseUpdateFrameBytes() -> Int {
        let delta = TensorCodec.encode([Float](repeating: 0, count: global.count))
        let bytes = Update(round: 1, sampleCount: 1, trainLoss: 0, flops: 0, cpuSeconds: 0, delta: delta).frameBytes
        lastUploadBytes = bytes
        return bytes
    }

    /// Device seconds the clock moves on when a selection finds no ready client online.
    public static let offlineWait = 60.0
    /// How many such waits (a week of device time) before the job gives up.
    static let maximumOfflineWaits = 7 * 24 * 60

    /// The ready clients online now (all of them without a fleet). When none is, device time moves on
    /// in ``offlineWait`` steps until one is; after ``maximumOfflineWaits`` the job fails (nil).
    private mutating func onlineClients(among ready: [Int]) -> [Int]? {
        guard let fleet = configuration.fleet, world != nil else { return ready }
        for step in 0...Self.maximumOfflineWaits {
            let online = ready.filter { fleet.isOnline($0, round: next.round, attempt: next.attempt, step: step, at: world!.now) }
            if !online.isEmpty {
                if step > 0 {
                    actions.append(.log(.info, "no ready client was online for \(Double(step) * Self.offlineWait) device seconds before \(next)"))
                }
                return online
            }
            world!.wait(Self.offlineWait)
        }
        finished = true
        actions.append(.fail(.nobodyOnline(round: next.round)))
        return nil
    }

    /// Every byte of the round must have left (or failed to leave) the socket before it is counted,
    /// or the round's deadline (and a moment for the last Ack) must have passed: a client that stopped
    /// reading is then cut off with what its socket took (a pending client was already dropped as
    /// `timeout` at the deadline).
    private mutating func closeRound() {
        guard let round = current else { return }
        current = nil
        closing = round
        actions.append(.settleRound(
            round.attempt, participants: round.participants.mapValues(\.connection),
            writesDue: max(round.deadline, clock.now + Self.lastWriteGrace)))
    }

    /// With a fleet, closes `round` on the device clock: participants without an update spent
    /// their download; the round closes when its last aggregated update arrived, or at the deadline
    /// if any participant's update is missing; every radio's tail up to then is charged.
    private mutating func closeOnDeviceClock(_ round: inout RoundInProgress) -> (record: RoundRecord.DeviceRound, tails: [Int: Double])? {
        guard world != nil, let start = round.deviceStart else { return nil }
        for client in round.selected where round.timelines[client] == nil {
            round.timelines[client] = world!.clientRound(
                client, from: start, downloadBytes: round.frameBytes[client] ?? 0, flops: 0, uploadBytes: nil)
        }
        let deadline = configuration.deviceDeadlineSeconds.map { start + $0 }
        if let needed = round.needed {
            // Over-selection: the first `needed` arrivals are aggregated; the later ones were not needed.
            let byArrival = round.accepted.keys.sorted { (round.timelines[$0]!.timeline.end, $0) < (round.timelines[$1]!.timeline.end, $1) }
            for client in byArrival.dropFirst(needed) {
                round.straggled[client] = round.accepted.removeValue(forKey: client)
                round.dropped[client] = .notNeeded
            }
            for client in byArrival.prefix(needed) {
                round.collector.add(round.heldDeltas[client]!, weight: Double(round.accepted[client]!.sampleCount))
            }
            round.heldDeltas = [:]
        }
        let arrivals = round.accepted.keys.map { round.timelines[$0]!.timeline.end }
        let end: Double
        if round.accepted.count == (round.needed ?? round.selected.count) {
            end = arrivals.max() ?? start  // everything the round wanted arrived
        } else {
            end = deadline ?? round.timelines.values.map(\.timeline.end).max() ?? start
        }
        let tails = world!.closeRound(at: end)
        let inRound = Set(round.selected)
        let idleTails = tails.filter { !inRound.contains($0.key) }.values.reduce(0, +)
        return (RoundRecord.DeviceRound(interval: DeviceInterval(start: start, end: end), deadline: deadline, idleRadioTailJoules: idleTails),
                tails.filter { inRound.contains($0.key) })
    }

    private mutating func commit(_ round: RoundInProgress, bytes: [Int: ByteCounts]) throws {
        var round = round
        var device = closeOnDeviceClock(&round)
        let completed = round.accepted.count >= max(1, configuration.minCompletion)
        if completed, let meanDelta = round.collector.combined() {
            strategy.apply(meanDelta: meanDelta, to: &global)
        }
        let wallSeconds = clock.secondsSince(round.started)
        let evaluationStart = clock.now
        let test: (accuracy: Double, loss: Double, federated: FederatedEvaluation?)?
        if let architecture = configuration.job.model.architecture {
            // On every core: the clients wait for the next round meanwhile.
            let evaluation = try architecture.evaluate(
                parameters: global, on: testSet, threads: ProcessInfo.processInfo.activeProcessorCount)
            test = (evaluation.accuracy, evaluation.loss, nil)
        } else {
            // Federated evaluation: the model this round started from, as the clients whose updates were accepted scored it.
            let updates = round.accepted.merging(round.straggled) { accepted, _ in accepted }
            test = FederatedEvaluation.combine(
                updates.keys.sorted().compactMap { updates[$0]!.evaluation }, modelAfterRound: round.attempt.round - 1)
        }
        let evaluationSeconds = clock.secondsSince(evaluationStart)
        let endsJob = round.attempt.round == configuration.rounds
            || configuration.stopAtAccuracy.map { target in test.map { $0.accuracy >= target } == true } == true
        if completed, endsJob, device != nil {
            // The job ends here, and every radio's tail runs out after it: the last round carries them.
            let inRound = Set(round.selected)
            for (client, joules) in world!.chargeRemainingTails() {
                if inRound.contains(client) {
                    device!.tails[client, default: 0] += joules
                } else {
                    device!.record.idleRadioTailJoules += joules
                }
            }
        }

        let clients = round.clientRounds(
            bytes: bytes, tails: device?.tails ?? [:], job: configuration.job, codecWork: configuration.profiles.codecWork)
        let compute = clients.reduce(0) { $0 + $1.energy.computeJoules }
        let codec = configuration.profiles.codecWork.map { _ in clients.reduce(0) { $0 + ($1.energy.codecJoules ?? 0) } }
        let communication = clients.reduce(0) { $0 + $1.energy.communicationJoules } + (device?.record.idleRadioTailJoules ?? 0)
        let total = compute + (codec ?? 0) + communication
        let grams = configuration.grid.grams(joules: total)
        let previous = records.last
        let record = RoundRecord(
            round: round.attempt.round, attempt: round.attempt.attempt, status: completed ? .completed : .failed,
            selected: round.selected, completed: round.accepted.keys.sorted(), dropped: round.droppedInOrder,
            trainLoss: round.trainLoss, testAccuracy: test?.accuracy, testLoss: test?.loss,
            evaluation: configuration.job.model.evaluatedByClients
                ? test?.federated ?? FederatedEvaluation(modelAfterRound: round.attempt.round - 1, clients: 0, examples: 0) : nil,
            flopsSource: configuration.job.model.evaluatedByClients ? .clientReported : .analytic, clients: clients,
            downlinkStages: round.downlink.sizes, downlinkEncodeSeconds: round.downlink.seconds,
            wallSeconds: wallSeconds, evaluationSeconds: evaluationSeconds,
            elapsedSeconds: clock.secondsSince(jobStart ?? round.started),
            energy: RoundRecord.RoundEnergy(
                computeJoules: compute, codecJoules: codec, communicationJoules: communication, totalJoules: total,
                cumulativeJoules: (previous?.energy.cumulativeJoules ?? 0) + total,
                kilowattHours: kilowattHours(joules: total), gramsCO2e: grams,
                cumulativeGramsCO2e: (previous?.energy.cumulativeGramsCO2e ?? 0) + grams),
            cumulativeUplinkBytes: (previous?.cumulativeUplinkBytes ?? 0) + clients.reduce(0) { $0 + $1.bytesRead },
            cumulativeDownlinkBytes: (previous?.cumulativeDownlinkBytes ?? 0) + clients.reduce(0) { $0 + $1.bytesWritten },
            device: device?.record)
        records.append(record)
        if completed {
            next = RoundAttempt(round: next.round + 1, attempt: 1)
        } else {
            actions.append(.log(
                .warning, "\(round.attempt) failed: \(round.accepted.count) of \(configuration.minCompletion) updates needed"))
            next.attempt += 1
        }
        // The ledger line goes to disk first, then the state after it: a crash before the checkpoint
        // is written re-runs the round.
        actions.append(.commit(record, Checkpoint(
            header: .init(jobJSON: jobJSON, round: next.round, attempt: next.attempt, ledgerBytes: 0, aggregation: aggregation),
            global: global, strategyState: strategy.state)))
        guard next.attempt <= configuration.maxRoundAttempts else {
            finished = true
            return actions.append(.fail(.roundFailed(round: round.attempt.round, attempts: configuration.maxRoundAttempts)))
        }
        try startRoundIfReady()
    }
}
