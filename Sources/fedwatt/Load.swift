import ArgumentParser
import FedClient
import FedCommandLine
import FedLearning
import FedReport
import FedWire
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOPosix

/// `fedwatt load`: many lightweight clients in this one process against one coordinator process,
/// over real sockets, to measure what the coordinator needs for a large fleet.
struct Load: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load test: N clients in this process (one shared event loop and dataset) against one coordinator process.",
        discussion: """
            Starts fedwatt-coordinator on a free port and --clients edge clients in this process, each \
            with its own TCP connection and its shard of the data (few samples each when N is large). \
            Prints the coordinator's peak resident memory (its VmHWM) and the rounds' times; the ledger \
            and summary are in --out. Example: fedwatt load --clients 500 --rounds 3.
            """
    )

    @Option(help: "Output folder.")
    var out: String = "out/load"

    @OptionGroup var job: SimulationOptions

    func run() async throws {
        let children = ChildProcesses()
        let signalSources = children.stopAllOnSignals()
        defer { signalSources.forEach { $0.cancel() } }
        let simulation = try job.simulation()
        let (coordinator, port) = try await simulation.launchCoordinator(children, out: out)
        let peak = NIOLockedValueBox(0)
        let pid = coordinator.process.processIdentifier
        Thread.detachNewThread {
            // The kernel's high-water mark of the coordinator's resident set, read until it exits.
            while let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) {
                if let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                    let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
                {
                    peak.withLockedValue { $0 = max($0, kilobytes) }
                }
                usleep(20_000)
            }
        }
        let trainingData = try job.data.dataset.load(.train, directory: job.data.resolvedDirectory)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        var quiet = Logger(label: "fedwatt.load")
        quiet.logLevel = .error
        let logger = quiet
        let secret = try job.fleetSecret.path.map(SecretFile.read)
        // With --tls-cert the coordinator serves TLS: the clients trust its certificate, as in `simulate`.
        let tls = try job.tls.files.map { try TLSRole.client(trustRootsPath: $0.certificate, serverName: nil) }
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for id in 0..<job.clients {
                let configuration = EdgeClientConfiguration(
                    host: "127.0.0.1", port: port, clientID: id, device: job.profiles.device, link: job.profiles.link,
                    dataDirectory: job.data.resolvedDirectory, giveUpAfterSeconds: 60, attack: id < job.attackers ? job.attack : nil,
                    secret: secret, tls: tls)
                tasks.addTask {
                    try await EdgeClient(configuration: configuration, logger: logger, group: group, trainingData: trainingData).run()
                }
            }
            try await tasks.waitForAll()
        }
        let status = await coordinator.exit.value
        try? await group.shutdownGracefully()
        guard status == 0 else { throw SimulationError.coordinatorFailed(status) }
        let (summary, records) = try RunArtifacts.federatedRun(in: out)
        say(String(
            format: "load: %d clients, %d rounds in %.2f s; round wall times %@; coordinator peak RSS %d MiB (%d KiB)",
            job.clients, summary.roundsCompleted, start.duration(to: .now).inSeconds,
            records.map { String(format: "%.2f s", $0.wallSeconds) }.joined(separator: ", "), peak.withLockedValue { $0 } / 1024,
            peak.withLockedValue { $0 }))
    }
}
