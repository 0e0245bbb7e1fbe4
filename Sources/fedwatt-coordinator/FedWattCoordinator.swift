import ArgumentParser
import FedCommandLine
import FedCoordinator
import FedData
import FedLearning
import FedLedger
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

    @Option(name: .customLong("fleet-secret-file"), help: "A file whose content is the one secret every client must prove.")
    var fleetSecretFile: String?

    @Option(
        name: .customLong("inbound-buffer-mb"),
        help: "MiB of received frames all connections may hold before the coordinator has handled them; past it, reads wait (TCP backpressure).")
    var inboundBufferMegabytes: Int = 64

    @Option(
        name: .customLong("handshake-timeout"),
        help: "Seconds a new connection may take to send its whole Register before it is refused and closed.")
    var handshakeTimeout: Double = 10

    @OptionGroup var tls: TLSServerOptions

    @Option(
        name: .customLong("tls-client-ca"),
        help: "Mutual TLS: every client must present a certificate issued by an authority in this PEM file (needs --tls-cert).")
    var tlsClientCA: String?

    @OptionGroup var model: ModelOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var federation: FederationOptions
    @OptionGroup var energy: ProfileOptions

    func validate() throws {
        guard minClients > 0 else { throw ValidationError("--min-clients must be at least 1") }
        guard tlsClientCA == nil || tls.files != nil else { throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key") }
        guard inboundBufferMegabytes > 0 else { throw ValidationError("--inbound-buffer-mb must be at least 1, e.g. --inbound-buffer-mb 64") }
        guard (clients ?? minClients) >= minClients else { throw ValidationError("--clients must be at least --min-clients") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
        guard handshakeTimeout > 0 else { throw ValidationError("--handshake-timeout must be positive, e.g. --handshake-timeout 10") }
    }

    func run() async throws {
        let clientCount = clients ?? minClients
        let profiles = try energy.profiles()
        let testSet = try data.dataset.load(.test, directory: data.resolvedDirectory)
        let trainingLabels = try data.dataset.loadLabels(.train, directory: data.resolvedDirectory)
        let job = FederatedJob(
            dataset: data.dataset, model: try model.architecture(sample: data.dataset.sampleShape, classes: data.dataset.classCount), sgd: training.sgd,
            localEpochs: federation.localEpochs, partition: federation.partition, clientCount: clientCount,
            seed: training.seed, uplinkCodec: federation.codec, downlinkCodec: federation.downlinkCodec)
        var configuration = CoordinatorConfiguration(
            job: job, rounds: federation.rounds, minClients: minClients, selection: federation.selection,
            minCompletion: federation.minimumCompletion(clientCount: clientCount), roundTimeoutSeconds: federation.roundTimeout,
            maxRoundAttempts: federation.maxRoundAttempts, strategy: federation.makeStrategy(), outputDirectory: out,
            clipNorm: federation.clipNorm, profiles: profiles, grid: try profiles.grid(energy.grid))
        configuration.resume = resume
        configuration.downlinkDeltas = federation.downlinkDelta
        if let secrets {
            configuration.secrets = try ClientSecrets(file: secrets)
        } else if let fleetSecretFile {
            configuration.secrets = ClientSecrets(fleet: try SecretFile.read(fleetSecretFile))
        }
        let coordinator = try Coordinator(
            configuration: configuration, testSet: testSet, trainingLabels: trainingLabels, onRecord: Self.printProgress)
        // Every connection holds a descriptor: take all the system allows this process.
        let descriptors = OpenFileLimit.raiseToHardLimit()
        let server = try await CoordinatorServer(
            host: host, port: port, maximumPayloadSize: configuration.maximumPayloadSize, events: coordinator.events,
            tls: try tls.serverRole(clientTrustRootsPath: tlsClientCA),
            budget: InboundBudget(limit: inboundBufferMegabytes << 20, frameTimeout: .seconds(Int64(federation.roundTimeout.rounded(.up)))),
            strangers: StrangerLimits(handshakeTimeout: TimeAmount(.seconds(handshakeTimeout))))
        say("listening on \(host):\(server.port)")
        say("open-file limit: \(descriptors)")
        if descriptors < UInt64(2 * clientCount + 64) {
            say("warning: the open-file limit is \(descriptors), and \(clientCount) clients need one each; raise the hard limit (ulimit -Hn)")
        }
        say("job: \(job.model) (\(job.model.parameterCount) parameters), \(federation.strategy.rawValue), "
            + "\(federation.rounds) rounds, \(clientCount) clients, partition \(job.partition), codec up \(job.uplinkCodec) down \(job.downlinkCodec)"
            + (federation.downlinkDelta ? " as differences" : "") + ", "
            + "waiting for \(minClients)")
        do {
            let summary = try await coordinator.run()
            await server.shutdown()
            say(String(
                format: "done: %d rounds, test accuracy %.4f, uplink %@, downlink %@, rounds %.2f s (evaluation %.2f s), "
                    + "devices %.1f J (compute %.1f J, radio %.1f J), %.3f gCO2e on %@",
                summary.roundsCompleted, summary.finalAccuracy, megabytes(summary.uplinkBytes), megabytes(summary.downlinkBytes),
                summary.roundsWallSeconds, summary.evaluationSeconds, summary.totalJoules, summary.computeJoules,
                summary.communicationJoules, summary.gramsCO2e, summary.grid))
            say("wrote \(out)/ledger.jsonl and \(out)/summary.json")
        } catch {
            await server.shutdown()
            throw error
        }
    }

    @Sendable static func printProgress(_ record: RoundRecord, rounds: Int) {
        let status = record.status == .completed ? "" : "  FAILED attempt \(record.attempt)"
        say(String(
            format: "round %3d/%d  accuracy %.4f  loss %.4f  clients %d/%d  up %@  down %@  round %.2f s  elapsed %.1f s%@",
            record.round, rounds, record.testAccuracy, record.testLoss, record.completed.count, record.selected.count,
            megabytes(record.cumulativeUplinkBytes), megabytes(record.cumulativeDownlinkBytes), record.wallSeconds,
            record.elapsedSeconds, status))
    }
}
