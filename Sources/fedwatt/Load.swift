import ArgumentParser
import FedClient
import FedCommandLine
import FedCoordinator
import FedLearning
import FedReport
import FedWire
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix

/// `fedwatt load`: many lightweight clients in this one process against one coordinator process,
/// over real sockets, to measure what the coordinator needs for a large fleet. Several load
/// processes fill one job: each runs a slice of the client ids, one of them starts the coordinator
/// and the others join it.
struct Load: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load test: N clients in this process (one shared event loop and dataset) against one coordinator process.",
        discussion: """
            Starts fedwatt-coordinator (on a free port, or --port) and runs clients --first-id ..< \
            --first-id + --count of the job's --clients in this process, each with its own TCP connection \
            and its shard of the data (few samples each when N is large). Prints the coordinator's peak \
            resident memory (its VmHWM) and the rounds' times; the ledger, summary and job.json are in --out. \
            Example: fedwatt load --clients 500 --rounds 3.

            With --coordinator HOST:PORT it starts no coordinator: its clients join that one, so several \
            load processes, on this machine or others, fill one job. For example \
            `fedwatt load --clients 10000 --count 5000 --port 7000 --out out/load` and \
            `fedwatt load --coordinator 127.0.0.1:7000 --job out/load/job.json --first-id 5000 --count 5000`.
            """
    )

    @Option(help: "Output folder.")
    var out: String = "out/load"

    @Option(name: .customLong("first-id"), help: "The first client id this process runs.")
    var firstID: Int = 0

    @Option(
        help: "How many clients this process runs, from --first-id on (default: the rest of the job's clients; 0 without --coordinator: the coordinator alone).")
    var count: Int?

    @Option(help: "Join the coordinator at HOST:PORT instead of starting one; its job runs (give --job, or the job flags it was started with).")
    var coordinator: String?

    @Option(
        name: .customLong("job"),
        help: "A job file as `fedwatt load` or `simulate` writes it (DIR/job.json): it replaces every job flag below.")
    var jobFile: String?

    @Option(help: "Port the coordinator this process starts listens on (0: a free one, printed).")
    var port: Int = 0

    @OptionGroup var job: SimulationOptions

    func validate() throws {
        guard firstID >= 0 else { throw ValidationError("--first-id must not be negative") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
        if let coordinator {
            guard hostAndPort(coordinator) != nil else { throw ValidationError("--coordinator must be HOST:PORT, e.g. 127.0.0.1:7000") }
            guard port == 0 else { throw ValidationError("--port is where a coordinator this process starts listens; with --coordinator it starts none") }
            guard count != 0 else { throw ValidationError("--count must be at least 1 with --coordinator") }
            guard job.metrics.metricsPort == nil else { throw ValidationError("--metrics-port goes to the process that starts the coordinator") }
            if jobFile == nil { try Self.refuseJobFlags(job) }
        }
        let clients = try description().clients
        guard firstID < clients || (firstID == clients && count == 0) else {
            throw ValidationError("--first-id \(firstID) is not a client id of the job (0..<\(clients))")
        }
        if let count {
            guard count >= 0, firstID + count <= clients else {
                throw ValidationError("--first-id \(firstID) --count \(count) runs ids outside the job's 0..<\(clients) (--clients)")
            }
        }
    }

    /// A joining process runs the coordinator's job: flags that would describe another one are
    /// refused, naming the ones it does take.
    private static func refuseJobFlags(_ options: SimulationOptions) throws {
        let given = try options.description()
        var plain = try SimulationOptions.parse([]).description()
        (plain.clients, plain.simulatedClients, plain.fleetSecretFile, plain.tls, plain.data.directory) = (
            given.clients, given.simulatedClients, given.fleetSecretFile, given.tls, given.data.directory
        )
        guard given == plain else {
            throw ValidationError(
                "with --coordinator the coordinator's job runs: give the job flags (--model, --rounds, --dataset, …) to the process "
                    + "that starts it, and here --job FILE or only --clients, --device, --link, --attackers, --attack, "
                    + "--fleet-secret-file, --tls-cert/--tls-key and --data-dir")
        }
    }

    /// The job: the file's, or the one the flags describe.
    private func description() throws -> JobDescription {
        guard let jobFile else { return try job.description() }
        let description = try JobDescription(file: jobFile)
        guard description.simulatedClients != nil else { throw JobFileError.noSimulatedClients(path: jobFile) }
        return description
    }

    func run() async throws {
        let description = try description()
        let ids = firstID..<(firstID + (count ?? description.clients - firstID))
        // Each client holds one descriptor in this process.
        try OpenFileLimit.ensureRoom(forConnections: ids.count)
        let children = ChildProcesses()
        let signalSources = children.stopAllOnSignals()
        defer { signalSources.forEach { $0.cancel() } }
        let started: (coordinator: ChildProcesses.Child, peak: PeakResidentMemory)?
        let address: (host: String, port: Int)
        if let coordinator {
            address = hostAndPort(coordinator)!  // checked in validate()
            started = nil
        } else {
            let simulation = Simulation(job: description, clientLogs: false, coordinatorArguments: job.metrics.coordinatorArguments)
            let (child, listening) = try await simulation.launchCoordinator(children, out: out, port: port)
            address = ("127.0.0.1", listening)
            started = (child, PeakResidentMemory(of: child.process.processIdentifier))
            if ids.count < description.clients {
                let here = ids.isEmpty ? "no client runs here" : "clients \(ids.lowerBound)..<\(ids.upperBound) run here"
                say("load: \(here); the rest join with fedwatt load --coordinator 127.0.0.1:\(listening) --job "
                    + "\((out as NSString).appendingPathComponent(JobDescription.fileName)) --first-id ID --count N")
            }
        }
        let start = ContinuousClock.now
        let answered = try await runClients(ids, of: description, at: address)
        guard let started else {
            return say(String(
                format: "load: clients %d..<%d answered %d rounds in all in %.2f s", ids.lowerBound, ids.upperBound, answered,
                start.duration(to: .now).inSeconds))
        }
        let status = await started.coordinator.exit.value
        guard status == 0 else { throw SimulationError.coordinatorFailed(status) }
        let (summary, records) = try RunArtifacts.federatedRun(in: out)
        let peak = started.peak.kilobytes
        say(String(
            format: "load: %d clients, %d rounds in %.2f s; round wall times %@; coordinator peak RSS %d MiB (%d KiB)",
            description.clients, summary.roundsCompleted, start.duration(to: .now).inSeconds,
            records.map { String(format: "%.2f s", $0.wallSeconds) }.joined(separator: ", "), peak / 1024, peak))
    }

    /// Runs the clients `ids` of the job against the coordinator at `address` until it says Bye;
    /// returns the rounds they answered in all.
    private func runClients(_ ids: Range<Int>, of description: JobDescription, at address: (host: String, port: Int)) async throws -> Int {
        var quiet = Logger(label: "fedwatt.load")
        quiet.logLevel = .error
        let logger = quiet
        let secret = try description.fleetSecretFile.map(SecretFile.read)
        // With TLS the coordinator serves the job's certificate: the clients trust it, as in `simulate`.
        let tls = try description.tls.map { try TLSRole.client(trustRootsPath: $0.certificate, serverName: nil) }
        let clients = description.simulatedClients!  // every job `fedwatt` writes or describes has them
        let (trainingData, model) = (SharedTrainingData(), SharedModel())
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        do {
            let answered = try await withThrowingTaskGroup(of: Int.self) { tasks in
                for id in ids {
                    let configuration = EdgeClientConfiguration(
                        host: address.host, port: address.port, clientID: id, device: clients.device, link: clients.link,
                        dataDirectory: description.data.resolvedDirectory, giveUpAfterSeconds: 60,
                        attack: id < clients.attackers ? clients.attack : nil, secret: secret, tls: tls)
                    tasks.addTask {
                        let client = EdgeClient(
                            configuration: configuration, logger: logger, group: group, trainingData: trainingData, model: model)
                        try await client.run()
                        return client.roundsAnswered
                    }
                }
                return try await tasks.reduce(0, +)
            }
            try? await group.shutdownGracefully()
            return answered
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }
}
