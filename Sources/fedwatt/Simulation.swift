import FedCommandLine
import FedLearning
import Foundation

/// One federated job run as processes on this machine: a `fedwatt-coordinator` on a free port and
/// one `fedwatt-client` per shard, all stopped together on a signal or a failure. Every process
/// reads the job from the same `DIR/job.json`.
struct Simulation {
    /// The job; its ``JobDescription/simulatedClients`` say how the clients behave.
    var job: JobDescription
    var clientLogs: Bool
    /// Options for the coordinator process beyond the job (its metrics endpoint).
    var coordinatorArguments: [String] = []

    /// Runs the job into `out` (job.json, ledger.jsonl, summary.json); returns the whole run's wall seconds.
    func run(out: String) async throws -> Double {
        let start = ContinuousClock.now
        let children = ChildProcesses()
        let signalSources = children.stopAllOnSignals()
        defer { signalSources.forEach { $0.cancel() } }
        let (coordinator, listening) = try await launchCoordinator(children, out: out)
        var clientProcesses: [ChildProcesses.Child] = []
        do {
            for id in 0..<job.clients {
                let arguments = ["--job", jobFile(in: out), "--coordinator", "127.0.0.1:\(listening)", "--id", "\(id)"]
                let showLogs = clientLogs
                clientProcesses.append(try children.launch(ChildProcesses.executableDirectory.appendingPathComponent("fedwatt-client"), arguments) { line in
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
        return start.duration(to: .now).inSeconds
    }

    /// Writes the job to `out/job.json` and starts `fedwatt-coordinator` for it on a free port;
    /// returns the coordinator and the port it bound, which it writes to a pipe this process reads.
    func launchCoordinator(_ children: ChildProcesses, out: String) async throws -> (ChildProcesses.Child, Int) {
        let file = try job.write(into: out)
        let pipe = try PortPipe(path: (out as NSString).appendingPathComponent(".coordinator-port"))
        let coordinator = try children.launch(
            ChildProcesses.executableDirectory.appendingPathComponent("fedwatt-coordinator"),
            ["--job", file, "--port", "0", "--port-file", pipe.path, "--out", out] + coordinatorArguments
        ) { say($0) }
        guard let listening = await pipe.port(orUntil: coordinator.exit) else {
            children.terminateAll()
            throw SimulationError.coordinatorGaveNoPort
        }
        return (coordinator, listening)
    }

    private func jobFile(in out: String) -> String {
        (out as NSString).appendingPathComponent(JobDescription.fileName)
    }
}
