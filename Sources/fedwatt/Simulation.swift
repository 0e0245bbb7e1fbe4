import FedClient
import FedCommandLine
import FedLearning
import Foundation

/// One federated job run as processes on this machine: a `fedwatt-coordinator` on a free port and
/// one `fedwatt-client` per shard, all stopped together on a signal or a failure.
struct Simulation {
    var clients: Int
    var clientLogs: Bool
    var model: ModelOptions
    var training: TrainingOptions
    var data: DataOptions
    var federation: FederationOptions
    var energy: ProfileOptions
    var device: String
    var link: String
    var attackers: Int
    var attack: ClientAttack
    var fleetSecretFile: String?
    /// The coordinator's certificate and key; clients trust the certificate (self-signed for 127.0.0.1).
    var tls: (certificate: String, key: String)?

    /// Runs the job into `out` (ledger.jsonl, summary.json); returns the whole run's wall seconds.
    func run(out: String) async throws -> Double {
        let start = ContinuousClock.now
        let children = ChildProcesses()
        let signalSources = children.stopAllOnSignals()
        defer { signalSources.forEach { $0.cancel() } }
        let directory = ChildProcesses.executableDirectory
        let (coordinator, listening) = try await launchCoordinator(children, out: out)
        var clientProcesses: [ChildProcesses.Child] = []
        do {
            for id in 0..<clients {
                let arguments = ["--coordinator", "127.0.0.1:\(listening)", "--id", "\(id)", "--device", device, "--link", link]
                    + (id < attackers ? ["--attack", attack.description] : [])
                    + (fleetSecretFile.map { ["--secret-file", $0] } ?? [])
                    + (tls.map { ["--tls-ca", $0.certificate] } ?? [])
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
        return start.duration(to: .now).inSeconds
    }

    /// Starts `fedwatt-coordinator` for this job on a free port; returns it and the port it announced.
    func launchCoordinator(_ children: ChildProcesses, out: String) async throws -> (ChildProcesses.Child, Int) {
        let port = PortAnnouncement()
        let coordinator = try children.launch(
            ChildProcesses.executableDirectory.appendingPathComponent("fedwatt-coordinator"),
            ["--port", "0", "--min-clients", "\(clients)", "--clients", "\(clients)", "--out", out]
                + model.arguments + training.arguments + data.arguments + federation.arguments + energy.arguments
                + (fleetSecretFile.map { ["--fleet-secret-file", $0] } ?? [])
                + (tls.map { ["--tls-cert", $0.certificate, "--tls-key", $0.key] } ?? [])
        ) { line in
            say(line)
            port.offer(line)
        }
        guard let listening = await port.value(orUntil: coordinator.exit) else {
            children.terminateAll()
            throw SimulationError.coordinatorGaveNoPort
        }
        return (coordinator, listening)
    }
}
