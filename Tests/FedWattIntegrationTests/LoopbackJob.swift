import FedClient
import FedCodec
import FedCoordinator
import FedData
import FedEnergy
import FedFleet
import FedLearning
import FedLedger
import FedWire
import Foundation
import Logging

/// A small federated job on synthetic data, its coordinator listening on 127.0.0.1, for tests.
///
/// Its rounds run on a ``ManualJobClock``: a round deadline passes only when a test moves the clock
/// (``passDeadline(waitingOnlyFor:)``), never because the machine was slow; so do its connections'
/// handshake deadlines and frame timeouts.
struct LoopbackJob {
    let job: FederatedJob
    let clock = ManualJobClock()
    var configuration: CoordinatorConfiguration
    let coordinator: Coordinator
    let server: CoordinatorServer
    let directory: URL

    init(
        clients: Int, rounds: Int, minCompletion: Int? = nil, roundTimeout: Double = 30, port: Int = 0, strategy: any AggregationStrategy = FedAvg(), clipNorm: Float? = nil,
        hidden: [Int] = [16],
        localEpochs: Int = 1, secrets: ClientSecrets? = nil, tls: TLSRole? = nil,
        budget: InboundBudget? = InboundBudget(limit: 64 << 20, frameTimeout: .seconds(30)),
        downlinkCodec: CodecSpec = .none, downlinkDeltas: Bool = false, strangers: StrangerLimits? = StrangerLimits(handshakeTimeout: .seconds(10)),
        fleet: FleetSpec? = nil, deviceDeadline: Double? = nil, backlog: Int32 = CoordinatorServer.defaultBacklog,
        selection: ClientSelection = .all
    ) async throws {
        var settings = DatasetSource.SyntheticSettings()
        settings.features = 32
        settings.classes = 5
        settings.train = 800
        settings.test = 400
        settings.noise = 80
        job = FederatedJob(
            dataset: .synthetic(settings), model: .mlp(inputs: 32, hidden: hidden, classes: 5),
            sgd: SGDConfiguration(learningRate: 0.1, batchSize: 16), localEpochs: localEpochs, partition: .iid,
            clientCount: clients, seed: 7, downlinkCodec: downlinkCodec)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-loopback-\(UUID())")
        let profiles = try EnergyProfiles.shipped()
        configuration = CoordinatorConfiguration(
            job: job, rounds: rounds, minClients: clients, minCompletion: minCompletion ?? clients, roundTimeoutSeconds: roundTimeout,
            strategy: strategy, outputDirectory: directory.path, clipNorm: clipNorm, profiles: profiles, grid: try profiles.grid("world"))
        configuration.secrets = secrets
        configuration.downlinkDeltas = downlinkDeltas
        configuration.selection = selection
        if let fleet { configuration.fleet = try Fleet(fleet, profiles: profiles, clientCount: clients, seed: job.seed) }
        configuration.deviceDeadlineSeconds = deviceDeadline
        var logger = Logger(label: "fedwatt.coordinator")
        logger.logLevel = .warning
        coordinator = try Coordinator(
            configuration: configuration, testSet: try job.dataset.load(.test), trainingLabels: try job.dataset.loadLabels(.train),
            clock: clock, logger: logger)
        server = try await CoordinatorServer(
            host: "127.0.0.1", port: port, maximumPayloadSize: configuration.maximumPayloadSize, events: coordinator.events, tls: tls,
            budget: budget, strangers: strangers, clock: clock, backlog: backlog)
    }

    /// An edge client for this job reaching the coordinator on `port`, proving `secret` if given.
    func client(_ id: Int, port: Int, attack: ClientAttack? = nil, secret: [UInt8]? = nil) -> EdgeClient {
        EdgeClient(configuration: EdgeClientConfiguration(
            host: "127.0.0.1", port: port, clientID: id, giveUpAfterSeconds: 10, attack: attack, secret: secret))
    }

    /// What an honest client `id` would claim in an Update of this job: its shard's samples and the
    /// model's analytic FLOPs for them.
    func honestFigures(for id: Int) throws -> (samples: UInt32, flops: UInt64) {
        let samples = try job.shardSizes(trainingLabels: job.dataset.loadLabels(.train))[id]
        return (UInt32(samples), UInt64(job.localTrainingFLOPs(samples: samples)))
    }

    /// Once the open round attempt waits for no one but `clients`, moves the job clock to its
    /// deadline, so the round closes without them. Throws if that moment does not come within 20 s.
    func passDeadline(waitingOnlyFor clients: Set<Int>) async throws {
        for _ in 0..<2000 {
            if let round = await coordinator.openRound, round.pending == clients {
                return clock.advance(to: round.deadline)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw CancellationError()
    }

    /// The ledger's records, in order.
    func ledger() throws -> [RoundRecord] {
        try ledgerRecords(String(contentsOf: directory.appendingPathComponent("ledger.jsonl"), encoding: .utf8))
    }

    func cleanUp() async {
        await server.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }
}
