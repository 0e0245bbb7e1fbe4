import FedCodec
import FedData
import FedEnergy
import FedLearning
import FedLedger
import FedWire
import Foundation
import Logging
import NIOCore

/// Runs a federated job: registers clients, runs rounds, aggregates updates as they arrive,
/// evaluates, and writes the ledger and summary.
///
/// All state lives in one sequential loop over ``CoordinatorEvent``s (``run()``); connections only
/// feed that stream (``events``). A client's bad input is refused with an Error frame and a close,
/// and changes nothing else: the update is validated completely before it is folded in.
public actor Coordinator {
    /// Where connections deliver their events.
    public nonisolated let events: AsyncStream<CoordinatorEvent>.Continuation
    private let stream: AsyncStream<CoordinatorEvent>

    private let configuration: CoordinatorConfiguration
    private let testSet: Dataset
    private let jobJSON: String
    private let validator: UpdateValidator
    private let aggregation: AggregationRule
    private var strategy: any AggregationStrategy
    private var global: [Float]
    private let logger: Logger
    private let onRecord: @Sendable (RoundRecord, Int) -> Void

    private var connections: [ConnectionID: PeerConnection] = [:]
    /// Each connection's Challenge nonce, until it has been used by one Register.
    private var nonces: [ConnectionID: [UInt8]] = [:]
    private var clientOfConnection: [ConnectionID: Int] = [:]
    private var registered: [Int: RegisteredClient] = [:]
    private var retiredBytes: [Int: ByteCounts] = [:]
    private var round = 1
    private var attempt = 1
    private var current: RoundInProgress?
    private var records: [RoundRecord] = []
    private var jobStart: ContinuousClock.Instant?
    private var ledger: LedgerWriter
    private var downlink: DownlinkEncoder

    private struct RegisteredClient {
        var connectionID: ConnectionID
        var connection: PeerConnection
        var device: DeviceProfile
        var link: LinkProfile
        /// Set when the client has acknowledged the Welcome (Ack round 0): its data is loaded.
        var ready = false
        /// The RoundStarts sent on this connection that its client has not answered yet, oldest
        /// first: a client answers each with one Update, in order, so each Update is paired with the
        /// round attempt it belongs to, and one for an attempt that has closed is known to be late.
        var unanswered: [RoundAttempt] = []
    }

    private struct RoundAttempt: Equatable {
        var round: Int
        var attempt: Int
    }

    private struct Participant {
        var connection: PeerConnection
        var bytesAtStart: ByteCounts
        var device: DeviceProfile
        var link: LinkProfile
        var lastWrite: EventLoopFuture<Void>?
    }

    /// What a round keeps of an accepted update once its delta is in the collector: the figures for
    /// the ledger, never the delta's bytes (a 500-client round would otherwise hold every upload).
    private struct AcceptedUpdate {
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
    }

    private struct RoundInProgress {
        var round: Int
        var attempt: Int
        var selected: [Int]
        var pending: Set<Int>
        var participants: [Int: Participant]
        var accepted: [Int: AcceptedUpdate]
        var dropped: [Int: DropReason]
        var collector: DeltaCollector
        var downlink: DownlinkEncoder.Plan
        var started: ContinuousClock.Instant
        var deadline: Task<Void, Never>
        /// The round's deadline on the event loops' clock: no write of the round is waited for past it.
        var closesBy: NIODeadline
    }

    /// Prepares a job: loads nothing, writes an empty ledger in the output directory.
    ///
    /// `trainingLabels` are the training set's labels, from which the coordinator derives each
    /// client's shard size, as the clients do. `onRecord` is called after each round attempt with its
    /// record and the rounds asked for (the live progress line).
    public init(
        configuration: CoordinatorConfiguration, testSet: Dataset, trainingLabels: [UInt8],
        logger: Logger = Logger(label: "fedwatt.coordinator"), onRecord: @escaping @Sendable (RoundRecord, Int) -> Void = { _, _ in }
    ) throws {
        var job = configuration.job
        job.sgd.proximalMu = configuration.strategy.proximalMu
        try job.validate()
        try job.model.validate(for: testSet)
        var configuration = configuration
        configuration.job = job
        self.configuration = configuration
        self.testSet = testSet
        jobJSON = try job.jsonText()
        validator = UpdateValidator(job: job, shardSizes: try job.shardSizes(trainingLabels: trainingLabels))
        aggregation = AggregationRule(strategy: configuration.strategy, clipNorm: configuration.clipNorm)
        strategy = configuration.strategy
        global = job.model.initialParameters(seed: job.seed)
        downlink = DownlinkEncoder(
            codec: job.downlinkCodec, sendsDifferences: configuration.downlinkDeltas, catchUpWhole: configuration.selection == .all)
        self.logger = logger
        self.onRecord = onRecord
        if configuration.resume, let checkpoint = try Checkpoint.latest(
            in: configuration.outputDirectory, onFallback: { logger.warning("\($0)") })
        {
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
            (round, attempt) = (checkpoint.header.round, checkpoint.header.attempt)
            // Lines after the checkpoint belong to a round that never finished checkpointing: it runs again.
            ledger = try LedgerWriter(directory: configuration.outputDirectory, keeping: checkpoint.header.ledgerBytes)
            records = try ledgerRecords(String(contentsOfFile: ledger.path, encoding: .utf8))
            for bytes in checkpoint.header.connectionBytes ?? [] {
                retiredBytes[bytes.client] = ByteCounts(read: bytes.read, written: bytes.written)
            }
            logger.info("resuming at round \(checkpoint.header.round) attempt \(checkpoint.header.attempt)")
        } else {
            ledger = try LedgerWriter(directory: configuration.outputDirectory)
        }
        // The constants this run accounts with, beside its ledger, so `fedwatt report` uses the same.
        try writeJSON(configuration.profiles, to: configuration.outputDirectory, name: "profiles.json")
        (stream, events) = AsyncStream.makeStream(of: CoordinatorEvent.self)
    }

    /// The current global model.
    public var globalModel: [Float] { global }

    /// Consumes events until the last round is done, then says Bye to every client, writes
    /// `summary.json` and returns the summary. Throws if a round fails `maxRoundAttempts` times.
    public func run() async throws -> JobSummary {
        if round > configuration.rounds { return try await finish() }  // resumed after the last round
        for await event in stream {
            try await handle(event)
            if round > configuration.rounds { return try await finish() }
        }
        throw CoordinatorError.eventStreamEnded
    }

    // MARK: - Events

    private func handle(_ event: CoordinatorEvent) async throws {
        switch event {
        case .connected(let id, let connection):
            connections[id] = connection
            let nonce = ClientAuthentication.makeNonce()
            nonces[id] = nonce
            connection.send(.challenge(Challenge(nonce: nonce)))
        case .connection(let id, .message(let message, _)):
            try await handle(message, from: id)
        case .connection(let id, .refused(let error)):
            logger.warning("refused input from connection \(id): \(error)")
            if let client = clientOfConnection[id] { try await exclude(client, for: error) }
        case .connection(let id, .failed(let reason)):
            logger.info("connection \(id) failed: \(reason)")
        case .connection(let id, .closed):
            try await connectionClosed(id)
        case .deadline(let round, let attempt):
            guard let current, current.round == round, current.attempt == attempt else { return }
            for client in current.pending.sorted() { self.current?.dropped[client] = .timeout }
            self.current?.pending.removeAll()
            try await closeRound()
        }
    }

    private func handle(_ message: Message, from id: ConnectionID) async throws {
        guard let connection = connections[id] else { return }
        switch message {
        case .register(let register):
            try await handle(register, connection: connection, id: id)
        case .update(let update):
            guard let client = clientOfConnection[id] else {
                connection.refuse(WireError(.unknownClient, "send Register before Update"))
                return
            }
            try await handle(update, from: client, connection: connection)
        case .ack(let ack) where ack.round == 0:
            guard let client = clientOfConnection[id], registered[client]?.ready == false else {
                connection.refuse(WireError(.unexpectedMessage, "Ack 0 (ready) is sent once, after Welcome"))
                return
            }
            registered[client]?.ready = true
            try await startRoundIfReady()
        case .error(let error):
            logger.warning("connection \(id) reported \(error.code): \(error.text)")
            connection.close()
        case .welcome, .roundStart, .ack, .bye, .challenge:
            connection.refuse(WireError(.unexpectedMessage, "a client does not send \(message.type)"))
        }
    }

    private func handle(_ register: Register, connection: PeerConnection, id: ConnectionID) async throws {
        let client = Int(register.clientID)
        guard clientOfConnection[id] == nil else {
            connection.refuse(WireError(.unexpectedMessage, "this connection is already registered as client \(clientOfConnection[id]!)"))
            return
        }
        // One proof per connection: the nonce is spent whatever the outcome, so a proof cannot be replayed.
        let nonce = nonces.removeValue(forKey: id) ?? []
        if let secret = configuration.secrets?.secret(for: register.clientID) {
            guard ClientAuthentication.verify(register.proof, secret: secret, nonce: nonce, clientID: register.clientID) else {
                connection.refuse(WireError(.authenticationFailed, "client \(client): no valid proof of its secret for this connection"))
                return
            }
        } else if configuration.secrets != nil {
            connection.refuse(WireError(.authenticationFailed, "client \(client) has no secret on this coordinator"))
            return
        }
        guard client < configuration.job.clientCount else {
            connection.refuse(WireError(.unknownClient, "client id \(client) is outside 0..<\(configuration.job.clientCount)"))
            return
        }
        let device: DeviceProfile
        let link: LinkProfile
        do {
            device = try configuration.profiles.device(register.device)
            link = try configuration.profiles.link(register.link)
        } catch {
            connection.refuse(WireError(.unknownProfile, "\(error)"))
            return
        }
        if let previous = registered[client] {
            // The same id again: the client reconnected; its old connection is finished.
            logger.info("client \(client) reconnected; closing its previous connection")
            clientOfConnection[previous.connectionID] = nil
            retire(client, previous.connection)
            previous.connection.close()
            try await drop(client, reason: .reconnected)
        }
        registered[client] = RegisteredClient(connectionID: id, connection: connection, device: device, link: link)
        clientOfConnection[id] = client
        downlink.forget(client)
        connection.admit()
        connection.send(.welcome(Welcome(jobJSON: jobJSON)))
        logger.debug("client \(client) registered (device \(register.device), link \(register.link)); \(registered.count) connected")
    }

    private func handle(_ update: Update, from client: Int, connection: PeerConnection) async throws {
        // The RoundStart this Update answers: the oldest one the client has not answered.
        guard let answered = registered[client]?.unanswered.first else {
            let duplicate = current?.accepted[client] != nil && Int(update.round) == current?.round
            return try await reject(
                duplicate
                    ? WireError(.duplicateUpdate, "client \(client) already sent its update for round \(update.round)")
                    : WireError(.notSelected, "client \(client) has no round in progress"),
                client, connection)
        }
        registered[client]?.unanswered.removeFirst()
        guard Int(update.round) == answered.round else {
            return try await reject(
                WireError(.wrongRound, "update for round \(update.round); the RoundStart it answers is round \(answered.round)"), client,
                connection)
        }
        guard let round = current, round.round == answered.round, round.attempt == answered.attempt, round.pending.contains(client) else {
            // An honest client that was too slow: its round attempt has closed. It stays for the next.
            logger.info("client \(client)'s update for round \(answered.round) attempt \(answered.attempt) came after it closed; dropped")
            return
        }
        let decodingStart = ContinuousClock.now
        var accepted: UpdateValidator.Accepted
        do {
            accepted = try validator.validate(update, from: client)
        } catch {
            return try await reject(error, client, connection)
        }
        let norm = accepted.delta.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        var clipped = false
        if let limit = configuration.clipNorm, norm > Double(limit) {
            clipped = true
            let scale = Float(Double(limit) / norm)
            for i in accepted.delta.indices { accepted.delta[i] *= scale }
        }
        // Changed in place: a copy of the round would copy its model-sized sum for every update.
        current!.collector.add(accepted.delta, weight: Double(accepted.sampleCount))
        current!.accepted[client] = AcceptedUpdate(
            sampleCount: accepted.sampleCount, trainLoss: accepted.trainLoss, flops: accepted.flops, cpuSeconds: accepted.cpuSeconds,
            encodeSeconds: accepted.encodeSeconds, stages: accepted.sizes, decodeSeconds: decodingStart.duration(to: .now).inSeconds,
            norm: norm, clipped: clipped)
        current!.pending.remove(client)
        downlink.answered(client)
        current!.participants[client]?.lastWrite = connection.send(.ack(Ack(round: update.round)))
        if current!.pending.isEmpty { try await closeRound() }
    }

    /// Refuses a registered client's input: an Error frame, the connection closed, the client out of
    /// the round in progress and of any round until it reconnects. Nothing it sent is kept.
    private func reject(_ error: WireError, _ client: Int, _ connection: PeerConnection) async throws {
        connection.refuse(error)
        try await exclude(client, for: error)
    }

    /// Takes a client whose input was refused out of the round in progress, and out of any round
    /// until it registers again.
    private func exclude(_ client: Int, for error: WireError) async throws {
        registered[client]?.ready = false
        try await drop(client, reason: .rejected("\(error)"))
    }

    private func drop(_ client: Int, reason: DropReason) async throws {
        guard current?.pending.contains(client) == true else { return }
        current?.pending.remove(client)
        current?.dropped[client] = reason
        logger.warning("client \(client) dropped from round \(current!.round): \(reason)")
        if current?.pending.isEmpty == true { try await closeRound() }
    }

    private func connectionClosed(_ id: ConnectionID) async throws {
        connections[id] = nil
        nonces[id] = nil
        guard let client = clientOfConnection.removeValue(forKey: id) else { return }
        if let entry = registered[client], entry.connectionID == id {
            registered[client] = nil
            retire(client, entry.connection)
        }
        logger.debug("client \(client) disconnected; \(registered.count) connected")
        try await drop(client, reason: .disconnected)
    }

    /// Each client's bytes over all its connections: the finished ones and the one open now.
    private func connectionTotals() -> [JobSummary.ClientBytes] {
        var totals = retiredBytes
        for (client, entry) in registered { totals[client, default: ByteCounts()] += entry.connection.counter.current }
        return totals.keys.sorted().map { JobSummary.ClientBytes(client: $0, read: totals[$0]!.read, written: totals[$0]!.written) }
    }

    /// Adds a finished connection's bytes to its client's totals.
    private func retire(_ client: Int, _ connection: PeerConnection) {
        retiredBytes[client, default: ByteCounts()] += connection.counter.current
    }

    // MARK: - Rounds

    private func startRoundIfReady() async throws {
        let ready = registered.filter(\.value.ready).map(\.key)
        guard current == nil, round <= configuration.rounds, ready.count >= configuration.minClients else { return }
        let selected = configuration.selection.select(from: ready, seed: configuration.job.seed, round: round, attempt: attempt)
        var rounding = configuration.job.encodingGenerator(clientID: -1, round: round)
        let plan = try downlink.plan(global: global, selected: selected, generator: &rounding)
        // One frame per kind of model, shared by the connections that get it.
        var frames: [UInt32: ByteBuffer] = [:]
        let now = ContinuousClock.now
        if jobStart == nil { jobStart = now }
        var participants: [Int: Participant] = [:]
        for client in selected {
            let entry = registered[client]!
            let model = plan.model(for: client)
            let frame = frames[model.base] ?? Message.roundStart(RoundStart(
                round: UInt32(self.round), localEpochs: UInt32(configuration.job.localEpochs),
                deadlineMilliseconds: UInt32(min(Double(UInt32.max), configuration.roundTimeoutSeconds * 1000)),
                learningRate: configuration.job.sgd.learningRate, modelVersion: plan.version, baseVersion: model.base,
                model: model.tensor)).encodedFrame()
            frames[model.base] = frame
            participants[client] = Participant(
                connection: entry.connection, bytesAtStart: entry.connection.counter.current, device: entry.device,
                link: entry.link, lastWrite: entry.connection.send(frame: frame))
            registered[client]!.unanswered.append(RoundAttempt(round: self.round, attempt: attempt))
        }
        let (round, attempt, events) = (self.round, self.attempt, self.events)
        let timeout = configuration.roundTimeoutSeconds
        let deadline = Task {
            try? await Task.sleep(for: .seconds(timeout))
            if !Task.isCancelled { events.yield(.deadline(round: round, attempt: attempt)) }
        }
        current = RoundInProgress(
            round: round, attempt: attempt, selected: selected, pending: Set(selected), participants: participants,
            accepted: [:], dropped: [:], collector: DeltaCollector(combination: strategy.combination, parameterCount: global.count),
            downlink: plan, started: now, deadline: deadline, closesBy: .now() + .nanoseconds(Int64(timeout * 1e9)))
    }

    /// How long past the round's deadline its last writes (an Ack just sent) may take.
    static let lastWriteGrace = TimeAmount.milliseconds(500)

    private func closeRound() async throws {
        guard let round = current else { return }
        current = nil
        round.deadline.cancel()
        // Every byte of the round has left (or failed to leave) the socket before it is counted, or
        // the round's deadline (and a moment for the last Ack) has passed: a client that stopped
        // reading is then cut off with what its socket took (a pending client was already dropped
        // as `timeout` at the deadline). Every write is put under the deadline before any is
        // awaited, so a write that completed long ago is never mistaken for one the deadline cut off.
        let writesDue = max(round.closesBy, .now() + Self.lastWriteGrace)
        let settling = round.participants.compactMap { client, participant in
            participant.lastWrite.map { (client, participant.connection.settle($0, by: writesDue)) }
        }
        for (client, settled) in settling where try await settled.get() == false {
            logger.warning("client \(client) did not take round \(round.round)'s frames by its deadline; connection closed")
        }
        let completed = round.accepted.count >= max(1, configuration.minCompletion)
        if completed, let meanDelta = round.collector.combined() {
            strategy.apply(meanDelta: meanDelta, to: &global)
        }
        let wall = round.started.duration(to: .now)
        let evaluationStart = ContinuousClock.now
        let evaluation = try configuration.job.model.evaluate(parameters: global, on: testSet)
        let evaluationTime = evaluationStart.duration(to: .now)

        let clients = round.selected.map { client -> RoundRecord.ClientRound in
            let participant = round.participants[client]!
            let bytes = participant.connection.counter.current - participant.bytesAtStart
            let update = round.accepted[client]
            let flops = update?.flops ?? 0
            let energy = RoundRecord.ClientEnergy(
                device: participant.device, link: participant.link, flops: flops, downloadBytes: bytes.written, uploadBytes: bytes.read)
            let sent = round.downlink.model(for: client)
            return RoundRecord.ClientRound(
                client: client, device: participant.device.name, link: participant.link.name, bytesWritten: bytes.written,
                bytesRead: bytes.read, downlinkStages: sent.sizes, downlinkDifference: sent.base != 0,
                payloadBytes: update?.stages.encoded ?? 0, updateNorm: update?.norm,
                clipped: update?.clipped ?? false, uplinkStages: update?.stages,
                encodeSeconds: update?.encodeSeconds ?? 0, decodeSeconds: update?.decodeSeconds ?? 0,
                samples: update?.sampleCount ?? 0,
                flops: flops, cpuSeconds: update?.cpuSeconds ?? 0, trainLoss: update?.trainLoss, energy: energy)
        }
        let compute = clients.reduce(0) { $0 + $1.energy.computeJoules }
        let communication = clients.reduce(0) { $0 + $1.energy.communicationJoules }
        let grams = configuration.grid.grams(joules: compute + communication)
        let roundEnergy = RoundRecord.RoundEnergy(
            computeJoules: compute, communicationJoules: communication, totalJoules: compute + communication,
            cumulativeJoules: (records.last?.energy.cumulativeJoules ?? 0) + compute + communication,
            kilowattHours: kilowattHours(joules: compute + communication), gramsCO2e: grams,
            cumulativeGramsCO2e: (records.last?.energy.cumulativeGramsCO2e ?? 0) + grams)
        let samples = round.accepted.values.reduce(0.0) { $0 + Double($1.sampleCount) }
        let trainLoss = samples == 0 ? nil : round.accepted.values.reduce(0.0) { $0 + $1.trainLoss * Double($1.sampleCount) } / samples
        let record = RoundRecord(
            round: round.round, attempt: round.attempt, status: completed ? .completed : .failed, selected: round.selected,
            completed: round.accepted.keys.sorted(),
            dropped: round.dropped.keys.sorted().map { RoundRecord.Dropped(client: $0, reason: round.dropped[$0]!) },
            trainLoss: trainLoss, testAccuracy: evaluation.accuracy, testLoss: evaluation.loss, clients: clients,
            downlinkStages: round.downlink.sizes, downlinkEncodeSeconds: round.downlink.seconds,
            wallSeconds: wall.inSeconds, evaluationSeconds: evaluationTime.inSeconds,
            elapsedSeconds: (jobStart ?? round.started).duration(to: .now).inSeconds, energy: roundEnergy,
            cumulativeUplinkBytes: (records.last?.cumulativeUplinkBytes ?? 0) + clients.reduce(0) { $0 + $1.bytesRead },
            cumulativeDownlinkBytes: (records.last?.cumulativeDownlinkBytes ?? 0) + clients.reduce(0) { $0 + $1.bytesWritten })
        try ledger.append(record)
        records.append(record)
        onRecord(record, configuration.rounds)

        if completed {
            self.round += 1
            attempt = 1
        } else {
            logger.warning("round \(round.round) attempt \(round.attempt) failed: \(round.accepted.count) of \(configuration.minCompletion) updates needed")
            attempt += 1
        }
        // The ledger line is on disk; now the state after it. A crash before this completes re-runs the round.
        try Checkpoint(
            header: .init(
                jobJSON: jobJSON, round: self.round, attempt: attempt, ledgerBytes: ledger.length,
                connectionBytes: connectionTotals(), aggregation: aggregation),
            global: global, strategyState: strategy.state
        ).write(to: configuration.outputDirectory)
        guard attempt <= configuration.maxRoundAttempts else {
            throw CoordinatorError.roundFailed(round: round.round, attempts: configuration.maxRoundAttempts)
        }
        try await startRoundIfReady()
    }

    private func finish() async throws -> JobSummary {
        let bye = Message.bye(Bye(reason: "job complete")).encodedFrame()
        let due = NIODeadline.now() + PeerConnection.refusalGrace
        let writes = registered.values.map { $0.connection.settle($0.connection.send(frame: bye), by: due) }
        for write in writes { _ = try? await write.get() }
        let completed = records.filter { $0.status == .completed }
        let summary = JobSummary(
            job: configuration.job, strategy: strategy.name, rounds: configuration.rounds,
            roundsCompleted: completed.count, failedAttempts: records.count - completed.count,
            finalAccuracy: records.last?.testAccuracy ?? 0, finalLoss: records.last?.testLoss ?? 0,
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
            elapsedSeconds: jobStart.map { $0.duration(to: .now).inSeconds } ?? 0,
            grid: configuration.grid.name,
            computeJoules: records.reduce(0) { $0 + $1.energy.computeJoules },
            communicationJoules: records.reduce(0) { $0 + $1.energy.communicationJoules },
            totalJoules: records.last?.energy.cumulativeJoules ?? 0,
            gramsCO2e: records.last?.energy.cumulativeGramsCO2e ?? 0,
            connectionBytes: connectionTotals())
        for entry in registered.values { entry.connection.close() }
        try ledger.close()
        try writeJSON(summary, to: configuration.outputDirectory, name: "summary.json")
        return summary
    }
}

/// Why a job stopped before its last round.
public enum CoordinatorError: Error, CustomStringConvertible {
    /// A round did not gather enough updates in any of its attempts.
    case roundFailed(round: Int, attempts: Int)
    /// The event stream finished while rounds remained (the server stopped).
    case eventStreamEnded

    public var description: String {
        switch self {
        case .roundFailed(let round, let attempts):
            return "round \(round) failed \(attempts) times: too few clients completed it (see --min-completion, --round-timeout)"
        case .eventStreamEnded:
            return "the coordinator stopped receiving events before the job finished"
        }
    }
}
