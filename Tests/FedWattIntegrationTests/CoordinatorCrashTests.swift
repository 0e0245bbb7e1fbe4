import FedCoordinator
import FedLedger
import Foundation
import Testing

@Suite(.serialized, .timeLimit(.minutes(2))) struct CoordinatorCrashTests {
    /// SIGKILL the coordinator mid-run, restart it with --resume on the same port: the clients
    /// reconnect on their own and the ledger ends with every round exactly once.
    @Test func killedCoordinatorResumesWithoutLosingOrRepeatingARound() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-crash-\(UUID())")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let port = try freePort()
        let job = [
            "--port", "\(port)", "--min-clients", "2", "--rounds", "120", "--dataset", "synthetic:features=32,classes=5,train=600,test=200",
            "--hidden", "16", "--round-timeout", "20", "--out", out.path,
        ]
        var coordinator = try BuiltExecutables.start("fedwatt-coordinator", job, log: out.appendingPathComponent("first.log"))
        let clients = try (0..<2).map { id in
            try BuiltExecutables.start("fedwatt-client", ["--coordinator", "127.0.0.1:\(port)", "--id", "\(id)", "--give-up-after", "30"],
                log: out.appendingPathComponent("client\(id).log"))
        }
        defer { for process in clients + [coordinator] where process.isRunning { process.terminate() } }
        await BuiltExecutables.kill(coordinator) { BuiltExecutables.ledgerLines(out).count >= 3 }
        let linesAtCrash = BuiltExecutables.ledgerLines(out).count
        #expect(linesAtCrash >= 3 && linesAtCrash < 120, "the kill must land mid-run")

        coordinator = try BuiltExecutables.start("fedwatt-coordinator", job + ["--resume"], log: out.appendingPathComponent("second.log"))
        await BuiltExecutables.waitForExit([coordinator] + clients)
        let secondLog = (try? String(contentsOf: out.appendingPathComponent("second.log"), encoding: .utf8)) ?? ""
        #expect(coordinator.terminationStatus == 0, "resumed coordinator said:\n\(secondLog)")
        #expect(clients.allSatisfy { $0.terminationStatus == 0 })
        let records = try BuiltExecutables.ledger(out)
        #expect(records.filter { $0.status == .completed }.map(\.round) == Array(1...120))
        #expect(secondLog.contains("resuming at round"))
        // The summary's connection totals carry on from the checkpoint: each client's cover at least
        // every round's bytes in the ledger, those before the kill included.
        let summary = try JSONDecoder().decode(JobSummary.self, from: Data(contentsOf: out.appendingPathComponent("summary.json")))
        for client in 0..<2 {
            let rounds = records.flatMap(\.clients).filter { $0.client == client }
            let totals = try #require(summary.connectionBytes.first { $0.client == client })
            #expect(totals.read >= rounds.reduce(0) { $0 + $1.bytesRead })
            #expect(totals.written >= rounds.reduce(0) { $0 + $1.bytesWritten })
        }
    }
}
