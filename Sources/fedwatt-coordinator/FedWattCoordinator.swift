import ArgumentParser
import FedCommandLine
import FedCoordinator
import FedData
import FedFleet
import FedLearning
import FedLedger
import FedMetrics
import FedWire
import Foundation
import Logging
import NIOCore

/// `fedwatt-coordinator`: waits for clients, runs the federated job, writes the ledger and summary.
@main
struct FedWattCoordinator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fedwatt-coordinator",
        abstract: "Run a federated job: wait for clients, run the rounds, write the ledger.",
        discussion: """
            Listens on HOST:PORT (port 0 picks a free port; the chosen one is printed as \
            "listening on HOST:PORT"), waits for --min-clients clients, then runs --rounds rounds. \
            Each round's record goes to DIR/ledger.jsonl as it completes; DIR/summary.json is written \
            at the end, the clients are told Bye, and the command exits 0.
            """
    )

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one and prints it.")
    var port: Int = 0

    @Option(
        name: .customLong("port-file"),
        help: "Once listening, write the port and a newline to this file (a named pipe the starting process reads, or a regular file).")
    var portFile: String?

    @Option(
        help: "A job file as `fedwatt simulate` writes it (DIR/job.json): the job it describes replaces every job flag below, and --min-clients is its client count.")
    var job: String?

    @Option(name: .customLong("min-clients"), help: "Clients that must be connected before a round starts.")
    var minClients: Int = 2

    @Option(help: "Number of data shards, and so of valid client ids 0..<N (default: --min-clients).")
    var clients: Int?

    @Option(help: "Output folder for ledger.jsonl, summary.json, profiles.json and checkpoints.")
    var out: String = "out/coordinator"

    @Flag(help: "Continue the job checkpointed in --out from its last completed round (same job flags).")
    var resume = false

    @Option(help: "Secrets clients must prove (HMAC-SHA256 over a per-connection nonce): lines `ID SECRET`, or `* SECRET` for the fleet.")
    var secrets: String?

    @OptionGroup var fleetSecret: FleetSecretOption

    @Option(
        name: .customLong("inbound-buffer-mb"),
        help: "MiB of received frames all connections may hold before the coordinator has handled them; past it, reads wait (TCP backpressure).")
    var inboundBufferMegabytes: Int = 64

    @Option(
        name: .customLong("handshake-timeout"),
        help: "Seconds a new connection may take to send its whole Register before it is refused and closed.")
    var handshakeTimeout: Double = 10

    @OptionGroup var tls: TLSIdentityOptions
    @OptionGroup var metrics: MetricsOptions

    @Option(
        name: .customLong("tls-client-ca"),
        help: "Mutual TLS: every client must present a certificate issued by an authority in this PEM file (needs --tls-cert).")
    var tlsClientCA: String?

    @OptionGroup var model: ModelOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var federation: FederationOptions
    @OptionGroup var energy: ProfileOptions
    @OptionGroup var world: DeviceWorldOptions

    func validate() throws {
        guard minClients > 0 else { throw ValidationError("--min-clients must be at least 1") }
        guard tlsClientCA == nil || tls.files != nil || job != nil else { throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key") }
        guard inboundBufferMegabytes > 0 else { throw ValidationError("--inbound-buffer-mb must be at least 1, e.g. --inbound-buffer-mb 64") }
        guard (clients ?? minClients) >= minClients else { throw ValidationError("--clients must be at least --min-clients") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
        guard handshakeTimeout > 0 else { throw ValidationError("--handshake-timeout must be positive, e.g. --handshake-timeout 10") }
    }

    /// The job to run: the job file's, or the one the flags describe.
    func description() throws -> JobDescription {
        if let job { return try JobDescription(file: job) }
        return try JobDescription(
            clients: clients ?? minClients, model: model, training: training, data: data, federation: federation.settings,
            energy: energy, fleetSecret: fleetSecret, tls: tls, world: world)
    }

    func run() async throws {
        let description = try description()
        // Every connection holds a descriptor: take all the system allows this process, and refuse
        // to start a job whose clients cannot all connect.
        let descriptors = try OpenFileLimit.ensureRoom(forConnections: description.clients)
        let minClients = job == nil ? self.minClients : description.clients
        let federation = description.federation
        let profiles = try description.energy.profiles()
        let testSet = try description.data.dataset.load(.test, directory: description.data.resolvedDirectory)
        let trainingLabels = try description.data.dataset.loadLabels(.train, directory: description.data.resolvedDirectory)
        let initialParameters = try description.model.initialParameters()
        let job = try description.federatedJob(initialParameters: initialParameters)
        var configuration = CoordinatorConfiguration(
            job: job, rounds: federation.rounds, minClients: minClients, selection: federation.selection,
            minCompletion: federation.minimumCompletion(clientCount: description.clients), roundTimeoutSeconds: federation.roundTimeout,
            maxRoundAttempts: federation.maxRoundAttempts, strategy: federation.makeStrategy(), outputDirectory: out,
            clipNorm: federation.clipNorm, profiles: profiles, grid: try profiles.grid(description.energy.grid))
        configuration.initialParameters = initialParameters
        configuration.resume = resume
        configuration.downlinkDeltas = federation.downlinkDelta
        configuration.stopAtAccuracy = federation.stopAtAccuracy
        configuration.fleet = try description.fleet.map { try Fleet($0, profiles: profiles, clientCount: description.clients, seed: description.seed) }
        configuration.deviceDeadlineSeconds = description.deadline
        configuration.overSelection = description.overSelect
        configuration.stragglerPolicy = description.stragglerPolicy ?? .drop
        if let secrets {
            configuration.secrets = try ClientSecrets(file: secrets)
        } else if let fleetSecretFile = description.fleetSecretFile {
            configuration.secrets = ClientSecrets(fleet: try SecretFile.read(fleetSecretFile))
        }
        let clock = SystemJobClock()
        var endpoint: MetricsEndpoint?
        if let port = metrics.metricsPort { endpoint = try await MetricsEndpoint(host: metrics.metricsHost, port: port) }
        let coordinatorMetrics = endpoint.map { CoordinatorMetrics(factory: $0.factory) }
        let coordinator = try Coordinator(
            configuration: configuration, testSet: testSet, trainingLabels: trainingLabels, clock: clock, metrics: coordinatorMetrics,
            onRecord: Self.printProgress)
        let budget = InboundBudget(limit: inboundBufferMegabytes << 20, frameTimeout: .seconds(Int64(federation.roundTimeout.rounded(.up))))
        if let endpoint, let coordinatorMetrics {
            endpoint.onScrape { coordinatorMetrics.inboundBuffer(bytes: budget.heldBytes) }
            say("metrics on http://\(metrics.metricsHost):\(endpoint.port)/metrics")
        }
        let server = try await CoordinatorServer(
            host: host, port: port, maximumPayloadSize: configuration.maximumPayloadSize, events: coordinator.events,
            tls: try description.tls?.serverRole(clientTrustRootsPath: tlsClientCA),
            budget: budget,
            strangers: StrangerLimits(handshakeTimeout: TimeAmount(.seconds(handshakeTimeout))), clock: clock)
        say("listening on \(host):\(server.port)")
        if let portFile { try PortFile.write(server.port, to: portFile) }
        say("open-file limit: \(descriptors)")
        say("job: \(job.model) (\(job.model.parameterCount) parameters"
            + (job.model.evaluatedByClients ? ", client-reported FLOPs, federated evaluation" : "") + "), \(federation.strategy.rawValue), "
            + "\(federation.rounds) rounds, \(description.clients) clients, partition \(job.partition), codec up \(job.uplinkCodec) down \(job.downlinkCodec)"
            + (federation.downlinkDelta ? " as differences" : "") + ", "
            + "waiting for \(minClients)")
        do {
            let summary = try await coordinator.run()
            await server.shutdown()
            say(String(
                format: "done: %d rounds, test accuracy %.4f%@, uplink %@, downlink %@, rounds %.2f s (evaluation %.2f s), "
                    + "devices %.1f J (compute %.1f J%@, radio %.1f J), %.3f gCO2e on %@",
                summary.roundsCompleted, summary.finalAccuracy,
                job.model.evaluatedByClients ? " (federated evaluation of the model the last round started from)" : "", megabytes(summary.uplinkBytes), megabytes(summary.downlinkBytes),
                summary.roundsWallSeconds, summary.evaluationSeconds, summary.totalJoules, summary.computeJoules,
                summary.codecJoules.map { String(format: ", codec %.1f J", $0) } ?? "", summary.communicationJoules, summary.gramsCO2e,
                summary.grid))
            if let device = summary.deviceSeconds, let wasted = summary.wastedJoules {
                say(String(format: "device time %.1f s; %.1f J spent by clients whose updates were not aggregated", device, wasted))
            }
            say("wrote \(out)/ledger.jsonl and \(out)/summary.json")
            if let endpoint {
                // A scraper's last look at the final values (Prometheus pulls; a finished job is gone).
                try await Task.sleep(for: .seconds(metrics.metricsLinger))
                await endpoint.shutdown()
            }
        } catch {
            await server.shutdown()
            await endpoint?.shutdown()
            throw error
        }
    }

    @Sendable static func printProgress(_ record: RoundRecord, rounds: Int) {
        let status = record.status == .completed ? "" : "  FAILED attempt \(record.attempt)"
        say(String(
            format: "round %3d/%d  %@  clients %d/%d  up %@  down %@  round %.2f s  elapsed %.1f s%@%@",
            record.round, rounds, testFigures(record), record.completed.count, record.selected.count,
            megabytes(record.cumulativeUplinkBytes), megabytes(record.cumulativeDownlinkBytes), record.wallSeconds,
            record.elapsedSeconds, record.device.map { String(format: "  device %.1f s", $0.interval.end) } ?? "", status))
    }

    /// `accuracy 0.8123  loss 0.5432`, marked as federated evaluation (and of which model) when the clients evaluated.
    static func testFigures(_ record: RoundRecord) -> String {
        guard let accuracy = record.testAccuracy, let loss = record.testLoss else { return "no evaluation" }
        let figures = String(format: "accuracy %.4f  loss %.4f", accuracy, loss)
        guard let federated = record.evaluation else { return figures }
        return figures + " (federated evaluation of model \(federated.modelAfterRound), \(federated.examples) examples)"
    }
}
