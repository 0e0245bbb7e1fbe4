import FedCodec
import FedCoordinator
import FedData
import FedEnergy
import FedLearning
import FedLedger
import FedWire
import Foundation

/// Drives a ``RoundStateMachine`` as the ``Coordinator`` shell does, with no sockets and no waiting:
/// it feeds events, carries out the actions it gets back into plain records, and plays the clients.
///
/// Every write "reaches" its client at once: a settled round attempt reports, for each participant,
/// the RoundStart frame's bytes as written and its Update frames' bytes as read.
struct MachineDriver {
    let job: FederatedJob
    var configuration: CoordinatorConfiguration
    let clock = ManualJobClock()
    var machine: RoundStateMachine
    /// Every message sent, in order.
    private(set) var sent: [(connection: ConnectionID, message: Message)] = []
    /// Every refusal, in order.
    private(set) var refusals: [(connection: ConnectionID, error: WireError)] = []
    private(set) var closed: [ConnectionID] = []
    private(set) var openings: [RoundOpening] = []
    private(set) var records: [RoundRecord] = []
    private(set) var checkpoints: [Checkpoint] = []
    /// The connections told Bye, once the job finished.
    private(set) var finished: [ConnectionID]?
    private(set) var failure: CoordinatorError?
    /// Each client's connection, as the driver last connected it.
    private(set) var connection: [Int: ConnectionID] = [:]
    private var nextConnection = 1
    private var uploaded: [Int: Int] = [:]

    /// A job of `clients` clients on a small synthetic task (an 8-4-3 MLP, 51 parameters, or the
    /// external model whose initial parameters are `external`), every client on an rpi4 over wifi;
    /// `adjust` changes the coordinator's configuration.
    init(
        clients: Int, rounds: Int, external: (name: String, initialParameters: [Float])? = nil,
        adjust: (inout CoordinatorConfiguration) -> Void = { _ in }
    ) throws {
        var settings = DatasetSource.SyntheticSettings()
        settings.features = 8
        settings.classes = 3
        settings.train = 120
        settings.test = 60
        job = FederatedJob(
            dataset: .synthetic(settings),
            model: external.map { .external(ExternalModel(name: $0.name, parameterCount: $0.initialParameters.count)) }
                ?? .architecture(.mlp(inputs: 8, hidden: [4], classes: 3)),
            sgd: SGDConfiguration(learningRate: 0.1, batchSize: 8), localEpochs: 1, partition: .iid, clientCount: clients, seed: 3)
        let profiles = try EnergyProfiles.shipped()
        configuration = CoordinatorConfiguration(
            job: job, rounds: rounds, minClients: clients, minCompletion: 1, roundTimeoutSeconds: 30,
            outputDirectory: "/nonexistent/fedwatt-machine-test", profiles: profiles, grid: try profiles.grid("world"))
        configuration.initialParameters = external?.initialParameters
        adjust(&configuration)
        machine = try Self.machine(configuration, clock: clock)
    }

    /// A machine for `configuration` on `clock`, resuming from `checkpoint` if one is given.
    static func machine(
        _ configuration: CoordinatorConfiguration, clock: ManualJobClock, resumingFrom checkpoint: Checkpoint? = nil,
        records: [RoundRecord] = []
    ) throws -> RoundStateMachine {
        try RoundStateMachine(
            configuration: configuration, testSet: configuration.job.dataset.load(.test),
            trainingLabels: configuration.job.dataset.loadLabels(.train), clock: clock, resumingFrom: checkpoint, records: records)
    }

    /// Feeds `event` and carries out what comes back, answering a round's settling at once.
    mutating func feed(_ event: RoundEvent) throws {
        var queue = try machine.handle(event)
        while !queue.isEmpty {
            switch queue.removeFirst() {
            case .send(let message, let id): sent.append((id, message))
            case .admit: break
            case .refuse(let id, let error): refusals.append((id, error))
            case .close(let id): closed.append(id)
            case .openRound(let opening):
                openings.append(opening)
                uploaded = [:]
            case .settleRound(let attempt, let participants, _):
                let frames = Dictionary(uniqueKeysWithValues: openings.last!.deliveries.map { ($0.client, $0.frame.readableBytes) })
                var bytes: [Int: ByteCounts] = [:]
                for client in participants.keys { bytes[client] = ByteCounts(read: uploaded[client] ?? 0, written: frames[client] ?? 0) }
                queue.insert(contentsOf: try machine.handle(.writesSettled(attempt, bytes: bytes)), at: 0)
            case .commit(let record, let checkpoint):
                records.append(record)
                checkpoints.append(checkpoint)
            case .finish(let ids): finished = ids
            case .fail(let error): failure = error
            case .log: break
            }
        }
    }

    /// Connects client `id` on a new connection, registers it (proving `secret` if given) and
    /// declares it ready; returns the connection.
    @discardableResult
    mutating func join(_ id: Int, secret: [UInt8]? = nil) throws -> ConnectionID {
        let connection = nextConnection
        nextConnection += 1
        let nonce = [UInt8](repeating: UInt8(connection), count: 16)
        try feed(.connected(connection, nonce: nonce))
        let proof = secret.map { ClientAuthentication.proof(secret: $0, nonce: nonce, clientID: UInt32(id)) } ?? []
        try feed(.message(connection, .register(Register(clientID: UInt32(id), device: "rpi4", link: "wifi", proof: proof))))
        try feed(.message(connection, .ack(Ack(round: 0))))
        self.connection[id] = connection
        return connection
    }

    /// Client `id` sends an update for `round` (the open round's, if nil) with `delta` and the
    /// figures an honest client of this job claims for the work of `stepLimit` steps (all of it, if
    /// nil): the analytic FLOPs, or for an external model `reportedFLOPs`.
    mutating func answer(_ id: Int, round: Int? = nil, delta: [Float], stepLimit: Int? = nil, reportedFLOPs: UInt64 = 1_234_567) throws {
        let work = job.localWork(samples: try job.shardSizes(trainingLabels: job.dataset.loadLabels(.train))[id], stepLimit: stepLimit)
        let update = Message.update(Update(
            round: UInt32(round ?? machine.openRound!.attempt.round), sampleCount: UInt32(work.distinctSamples), trainLoss: 1,
            flops: job.trainingFLOPs(work).map(UInt64.init) ?? reportedFLOPs, cpuSeconds: 0.5, delta: TensorCodec.encode(delta)))
        uploaded[id, default: 0] += update.encodedFrame().readableBytes
        try feed(.message(connection[id]!, update))
    }

    /// Client `id` sends its federated evaluation of the open round's model (or for `round`).
    mutating func evaluate(_ id: Int, round: Int? = nil, examples: Int, loss: Double, accuracy: Double) throws {
        let evaluation = Message.evaluation(EvaluationReport(
            round: UInt32(round ?? machine.openRound!.attempt.round), examples: UInt32(examples), loss: loss, accuracy: accuracy))
        uploaded[id, default: 0] += evaluation.encodedFrame().readableBytes
        try feed(.message(connection[id]!, evaluation))
    }

    /// Client `id` answers with every parameter moved by `value`, after `stepLimit` steps of work
    /// (reporting `reportedFLOPs` for an external model).
    mutating func answer(_ id: Int, round: Int? = nil, moving value: Float, stepLimit: Int? = nil, reportedFLOPs: UInt64 = 1_234_567) throws {
        try answer(
            id, round: round, delta: [Float](repeating: value, count: job.model.parameterCount), stepLimit: stepLimit,
            reportedFLOPs: reportedFLOPs)
    }

    /// The RoundStart each client was sent when the last round attempt opened.
    var roundStarts: [Int: RoundStart] {
        var starts: [Int: RoundStart] = [:]
        for delivery in openings.last?.deliveries ?? [] {
            let frame = delivery.frame, at = frame.readerIndex
            let length = Int(frame.getInteger(at: at + 8, endianness: .little, as: UInt32.self)!)
            let payload = frame.getSlice(at: at + Frame.headerSize, length: length)!
            guard case .roundStart(let start) = try? Message(frame: Frame(type: .roundStart, payload: payload)) else { continue }
            starts[delivery.client] = start
        }
        return starts
    }

    /// Moves the clock to the open round's deadline and tells the machine it passed.
    mutating func passDeadline() throws {
        let round = machine.openRound!
        clock.advance(to: round.deadline)
        try feed(.deadlinePassed(round.attempt))
    }

    /// The clients each round attempt was opened for, in order.
    var participants: [[Int]] { openings.map { $0.deliveries.map(\.client) } }

    /// The error codes refused so far, in order.
    var refusedCodes: [ErrorCode] { refusals.map(\.error.code) }
}
