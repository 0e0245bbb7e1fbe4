import FedData
import FedLedger
import FedMetrics
import FedWire
import Foundation
import Logging
import NIOCore

/// Runs a federated job over real connections: the shell around a ``RoundStateMachine``.
///
/// Connections feed one ordered stream of ``CoordinatorEvent``s (``events``); ``run()`` turns each
/// into a ``RoundEvent`` for the machine and carries out the ``RoundAction``s it returns: writes and
/// closes on the connections, the round deadline on the ``JobClock``, the ledger, checkpoints and
/// the summary on disk. It also keeps what only the sockets know: each connection's byte counts,
/// and the Challenge nonces it draws.
public actor Coordinator {
    /// Where connections deliver their events.
    public nonisolated let events: AsyncStream<CoordinatorEvent>.Continuation
    private let stream: AsyncStream<CoordinatorEvent>

    private var machine: RoundStateMachine
    private let clock: any JobClock
    private let directory: String
    private let logger: Logger
    private let onRecord: @Sendable (RoundRecord, Int) -> Void
    private let metrics: CoordinatorMetrics?
    private var ledger: LedgerWriter
    /// Where the ledger's lines and the checkpoints are written and synced.
    private let disk = DiskWriteQueue()
    /// The last round attempt's ledger line and checkpoint on their way to disk: the next round
    /// opens meanwhile, and the next commit, the summary or a failure first waits for them.
    private var pendingCommit: Task<Void, any Error>?

    private var connections: [ConnectionID: PeerConnection] = [:]
    /// The last write on each connection: a round's writes are settled by waiting for these.
    private var lastWrites: [ConnectionID: EventLoopFuture<Void>] = [:]
    /// Whose bytes each admitted connection carries.
    private var clientOfConnection: [ConnectionID: Int] = [:]
    /// Each client's bytes over its connections that have closed.
    private var retiredBytes: [Int: ByteCounts] = [:]
    /// Each participant's byte counter and its counts when the open round attempt began (kept past
    /// the connection's close, whose bytes still belong to the attempt).
    private var roundCounters: [Int: (counter: ByteCounter, atStart: ByteCounts)] = [:]
    private var deadline: Task<Void, Never>?

    /// Prepares a job: loads nothing, writes an empty ledger in the output directory (or, with
    /// `configuration.resume`, picks up the checkpointed job there).
    ///
    /// `trainingLabels` are the training set's labels, from which the coordinator derives each
    /// client's shard size, as the clients do. `onRecord` is called after each round attempt with its
    /// record and the rounds asked for (the live progress line). `clock` is the time the rounds run
    /// on: their deadlines and their recorded durations. `metrics`, when given, follow the job live.
    public init(
        configuration: CoordinatorConfiguration, testSet: Dataset, trainingLabels: [UInt8], clock: any JobClock = SystemJobClock(),
        logger: Logger = Logger(label: "fedwatt.coordinator"), metrics: CoordinatorMetrics? = nil,
        onRecord: @escaping @Sendable (RoundRecord, Int) -> Void = { _, _ in }
    ) throws {
        let directory = configuration.outputDirectory
        if configuration.resume, let checkpoint = try Checkpoint.latest(in: directory, onFallback: { logger.warning("\($0)") }) {
            // Lines after the checkpoint belong to a round that never finished checkpointing: it runs again.
            ledger = try LedgerWriter(directory: directory, keeping: checkpoint.header.ledgerBytes)
            machine = try RoundStateMachine(
                configuration: configuration, testSet: testSet, trainingLabels: trainingLabels, clock: clock, resumingFrom: checkpoint,
                records: try ledgerRecords(String(contentsOfFile: ledger.path, encoding: .utf8)))
            for bytes in checkpoint.header.connectionBytes ?? [] {
                retiredBytes[bytes.client] = ByteCounts(read: bytes.read, written: bytes.written)
            }
            logger.info("resuming at round \(checkpoint.header.round) attempt \(checkpoint.header.attempt)")
        } else {
            machine = try RoundStateMachine(configuration: configuration, testSet: testSet, trainingLabels: trainingLabels, clock: clock)
            ledger = try LedgerWriter(directory: directory)
        }
        self.clock = clock
        self.directory = directory
        self.logger = logger
        self.onRecord = onRecord
        self.metrics = metrics
        // The constants this run accounts with, beside its ledger, so `fedwatt report` uses the same.
        try writeJSON(configuration.profiles, to: directory, name: "profiles.json")
        (stream, events) = AsyncStream.makeStream(of: CoordinatorEvent.self)
    }

    /// The current global model.
    public var globalModel: [Float] { machine.globalModel }

    /// The round attempt open now, if one is.
    public var openRound: RoundStatus? { machine.openRound }

    /// Consumes events until the last round is done, then says Bye to every client, writes
    /// `summary.json` and returns the summary. Throws if a round fails `maxRoundAttempts` times.
    public func run() async throws -> JobSummary {
        if let summary = try await perform(machine.start()) { return summary }
        for await event in stream {
            // A message's room in the inbound budget is held until the message has been handled.
            let charge = if case .connection(_, .message(_, let charge)) = event { charge } else { InboundCharge?.none }
            defer { withExtendedLifetime(charge) {} }
            guard let roundEvent = roundEvent(for: event) else { continue }
            let summary = try await perform(machine.handle(roundEvent))
            metrics?.clients(connected: connections.count, registered: machine.registeredClients, ready: machine.readyClients)
            if let summary { return summary }
        }
        try await pendingCommit?.value
        throw CoordinatorError.eventStreamEnded
    }

    /// The machine's view of a connection's event (nil when it has none); keeps the connection when
    /// it is new and forgets it when it closes.
    private func roundEvent(for event: CoordinatorEvent) -> RoundEvent? {
        switch event {
        case .connected(let id, let connection):
            connections[id] = connection
            return .connected(id, nonce: ClientAuthentication.makeNonce())
        case .connection(let id, .message(let message, _)):
            return .message(id, message)
        case .connection(let id, .refused(let error)):
            metrics?.refused(error.code)
            return .refused(id, error)
        case .connection(let id, .failed(let reason)):
            logger.info("connection \(id) failed: \(reason)")  // its close follows
            return nil
        case .connection(let id, .closed):
            connectionClosed(id)
            return .disconnected(id)
        case .deadline(let attempt):
            return .deadlinePassed(attempt)
        }
    }

    /// Carries out `actions` in order; returns the summary once the job is done.
    private func perform(_ actions: [RoundAction]) async throws -> JobSummary? {
        for action in actions {
            switch action {
            case .send(let message, let id):
                guard let connection = connections[id] else { continue }
                lastWrites[id] = connection.send(message)
            case .admit(let id, let client):
                clientOfConnection[id] = client
                connections[id]?.admit()
            case .refuse(let id, let error):
                metrics?.refused(error.code)
                connections[id]?.refuse(error)
            case .close(let id):
                connections[id]?.close()
            case .openRound(let opening):
                metrics?.roundOpened(round: opening.attempt.round, attempt: opening.attempt.attempt)
                open(opening)
            case .settleRound(let attempt, let participants, let writesDue):
                let bytes = await settle(attempt, participants: participants, writesDue: writesDue)
                if let summary = try await perform(machine.handle(.writesSettled(attempt, bytes: bytes))) { return summary }
            case .commit(let record, var checkpoint):
                let line = try ledger.line(for: record)
                onRecord(record, machine.configuration.rounds)
                metrics?.recorded(record)
                checkpoint.header.ledgerBytes = ledger.length
                checkpoint.header.connectionBytes = connectionTotals()
                try await commit(line, checkpoint)
            case .finish(let ids):
                return try await finish(ids)
            case .fail(let error):
                try await pendingCommit?.value
                throw error
            case .log(let level, let text):
                logger.log(level: level, "\(text)")
            }
        }
        return nil
    }

    /// Sends the ledger `line` to disk, then `checkpoint`, after the previous commit's writes (and
    /// throws their error, if they failed), without waiting for these: the round they describe is
    /// over, and the next one opens while the disk syncs them. A crash before they are on disk runs
    /// the round again, as one before the checkpoint always did (docs/FAULTS.md).
    private func commit(_ line: Data, _ checkpoint: Checkpoint) async throws {
        try await pendingCommit?.value
        let (ledger, directory, disk) = (self.ledger, self.directory, self.disk)
        pendingCommit = Task {
            try await disk.run {
                try ledger.write(line)
                try checkpoint.write(to: directory)
            }
        }
    }

    private func open(_ opening: RoundOpening) {
        roundCounters = [:]
        for delivery in opening.deliveries {
            guard let connection = connections[delivery.connection] else { continue }
            roundCounters[delivery.client] = (connection.counter, connection.counter.current)
            lastWrites[delivery.connection] = connection.send(frame: delivery.frame)
        }
        let (events, clock) = (self.events, self.clock)
        deadline = Task {
            do {
                try await clock.sleep(until: opening.deadline)
                events.yield(.deadline(opening.attempt))
            } catch {}  // disarmed: the attempt closed first
        }
    }

    /// Waits for every participant's last write, closing connections whose writes are not done by
    /// `writesDue`; returns the bytes each participant's connection carried in the attempt. Every
    /// write is put under the deadline before any is awaited, so a write that completed long ago is
    /// never mistaken for one the deadline cut off.
    private func settle(_ attempt: RoundAttempt, participants: [Int: ConnectionID], writesDue: Duration) async -> [Int: ByteCounts] {
        deadline?.cancel()
        deadline = nil
        let due = NIODeadline.now() + TimeAmount(writesDue - clock.now)
        let settling = participants.compactMap { client, id -> (Int, EventLoopFuture<Bool>)? in
            guard let connection = connections[id], let write = lastWrites[id] else { return nil }
            return (client, connection.settle(write, by: due))
        }
        for (client, settled) in settling where (try? await settled.get()) == false {
            logger.warning("client \(client) did not take \(attempt)'s frames by its deadline; connection closed")
        }
        defer { roundCounters = [:] }
        return roundCounters.mapValues { $0.counter.current - $0.atStart }
    }

    private func finish(_ ids: [ConnectionID]) async throws -> JobSummary {
        try await pendingCommit?.value
        let bye = Message.bye(Bye(reason: "job complete")).encodedFrame()
        // Each client's grace starts when the event loop has written its Bye: with 10,000 clients,
        // one deadline for all passed before the loop had written them all, and closed the rest.
        let writes = ids.compactMap { connections[$0] }.map { $0.settle($0.send(frame: bye), within: PeerConnection.refusalGrace) }
        for write in writes { _ = try? await write.get() }
        let summary = machine.summary(connectionBytes: connectionTotals())
        for id in ids { connections[id]?.close() }
        try ledger.close()
        try writeJSON(summary, to: directory, name: "summary.json")
        return summary
    }

    /// Each client's bytes over all its connections: the finished ones and those open now.
    private func connectionTotals() -> [JobSummary.ClientBytes] {
        var totals = retiredBytes
        for (id, client) in clientOfConnection {
            if let connection = connections[id] { totals[client, default: ByteCounts()] += connection.counter.current }
        }
        return totals.keys.sorted().map { JobSummary.ClientBytes(client: $0, read: totals[$0]!.read, written: totals[$0]!.written) }
    }

    /// Forgets a closed connection, adding its bytes to its client's totals.
    private func connectionClosed(_ id: ConnectionID) {
        guard let connection = connections.removeValue(forKey: id) else { return }
        lastWrites[id] = nil
        if let client = clientOfConnection.removeValue(forKey: id) {
            retiredBytes[client, default: ByteCounts()] += connection.counter.current
        }
    }
}

/// Why a job stopped before its last round.
public enum CoordinatorError: Error, CustomStringConvertible {
    /// A round did not gather enough updates in any of its attempts.
    case roundFailed(round: Int, attempts: Int)
    /// The event stream finished while rounds remained (the server stopped).
    case eventStreamEnded
    /// With a fleet, no ready client came online within a week of device time.
    case nobodyOnline(round: Int)

    public var description: String {
        switch self {
        case .roundFailed(let round, let attempts):
            return "round \(round) failed \(attempts) times: too few clients completed it (see --min-completion, --round-timeout)"
        case .eventStreamEnded:
            return "the coordinator stopped receiving events before the job finished"
        case .nobodyOnline(let round):
            return "no ready client came online within a week of device time before round \(round) (see the fleet's availability)"
        }
    }
}
