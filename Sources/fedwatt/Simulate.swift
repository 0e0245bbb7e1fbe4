import ArgumentParser
import FedCommandLine
import Foundation
import NIOConcurrencyHelpers

/// `fedwatt simulate`: a whole federated job on this machine, one coordinator and N client processes.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a federated job on this machine: one coordinator and N client processes on 127.0.0.1.",
        discussion: """
            Starts fedwatt-coordinator on a free port and --clients fedwatt-client processes (the real \
            executables, found beside this one), shows the coordinator's progress, and leaves \
            DIR/ledger.jsonl and DIR/summary.json. Ctrl-C or a failure stops every child. With no \
            flags: Fashion-MNIST, MLP 784-128-10, 10 clients, 20 rounds, IID, 1 local epoch, lr 0.1, batch 32.
            """
    )

    @Option(help: "Client processes to start (each a shard of the data).")
    var clients: Int = 10

    @Option(help: "Output folder.")
    var out: String = "out/simulate"

    @Flag(name: .customLong("client-logs"), help: "Show the clients' own output too.")
    var clientLogs = false

    @OptionGroup var model: ModelOptions
    @OptionGroup var training: TrainingOptions
    @OptionGroup var data: DataOptions
    @OptionGroup var federation: FederationOptions

    func validate() throws {
        guard clients > 0 else { throw ValidationError("--clients must be at least 1") }
    }

    func run() async throws {
        let start = ContinuousClock.now
        let children = ChildProcesses()
        let signalSources = children.stopAllOnSignals()
        defer { signalSources.forEach { $0.cancel() } }
        let directory = ChildProcesses.executableDirectory
        let port = PortAnnouncement()
        let coordinator = try children.launch(
            directory.appendingPathComponent("fedwatt-coordinator"),
            ["--port", "0", "--min-clients", "\(clients)", "--clients", "\(clients)", "--out", out]
                + model.arguments + training.arguments + data.arguments + federation.arguments
        ) { line in
            say(line)
            port.offer(line)
        }
        guard let listening = await port.value(orUntil: coordinator.exit) else {
            children.terminateAll()
            throw SimulationError.coordinatorGaveNoPort
        }
        var clientProcesses: [ChildProcesses.Child] = []
        do {
            for id in 0..<clients {
                let arguments = ["--coordinator", "127.0.0.1:\(listening)", "--id", "\(id)"]
                    + (data.dataDirectory.map { ["--data-dir", $0] } ?? [])
                let showLogs = clientLogs
                clientProcesses.append(try children.launch(directory.appendingPathComponent("fedwatt-client"), arguments) { line in
                    if showLogs || line.contains("error") { say("client \(id): \(line)") }
                })
            }
        } catch {
            children.terminateAll()
            throw error
        }
        let status = await coordinator.exit.value
        guard status == 0 else {
            children.terminateAll()
            throw SimulationError.coordinatorFailed(status)
        }
        var failed: [Int] = []
        for (id, client) in clientProcesses.enumerated() where await client.exit.value != 0 { failed.append(id) }
        guard failed.isEmpty else { throw SimulationError.clientsFailed(failed) }
        let elapsed = start.duration(to: .now)
        say(String(format: "simulate: %d clients, whole run %.2f s", clients,
            Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18))
    }
}

/// Writes a line to standard output at once, so a pipe sees the progress as it happens.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// The port the coordinator announces in its "listening on HOST:PORT" line, awaited once.
final class PortAnnouncement: Sendable {
    private let state = NIOLockedValueBox<(port: Int?, waiter: CheckedContinuation<Int?, Never>?)>((nil, nil))

    /// Looks for the announcement in one line of the coordinator's output.
    func offer(_ line: String) {
        guard line.hasPrefix("listening on "), let colon = line.lastIndex(of: ":"),
            let port = Int(line[line.index(after: colon)...])
        else { return }
        deliver(port)
    }

    private func deliver(_ port: Int?) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Int?, Never>? in
            guard state.port == nil else { return nil }
            state.port = port
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: port)
    }

    /// The announced port, or nil if the coordinator exits first.
    func value(orUntil exit: Task<Int32, Never>) async -> Int? {
        Task { [self] in
            _ = await exit.value
            try? await Task.sleep(for: .milliseconds(200))  // let its last lines be read
            deliver(nil)
        }
        return await withCheckedContinuation { continuation in
            let ready = state.withLockedValue { state -> Int?? in
                if let port = state.port { return .some(port) }
                state.waiter = continuation
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
