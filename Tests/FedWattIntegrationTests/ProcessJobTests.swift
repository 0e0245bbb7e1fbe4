import FedCoordinator
import FedLedger
import Foundation
import Testing

@Suite(.serialized) struct ProcessJobTests {
    /// `fedwatt simulate` starts the real `fedwatt-coordinator` and `fedwatt-client` executables,
    /// which `swift build` put beside this test binary.
    @Test func simulateRunsTheBuiltExecutablesAsProcesses() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-simulate-\(UUID())")
        let log = out.appendingPathExtension("log")
        defer { for url in [out, log] { try? FileManager.default.removeItem(at: url) } }
        let process = try BuiltExecutables.start(
            "fedwatt",
            [
                "simulate", "--dataset", "synthetic:features=32,classes=5,train=600,test=300", "--hidden", "16",
                "--clients", "3", "--rounds", "2", "--round-timeout", "20", "--out", out.path,
            ],
            log: log)
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            process.terminate()
        }
        await BuiltExecutables.waitForExit([process])
        watchdog.cancel()
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus == 0, "fedwatt simulate said:\n\(text)")
        #expect(text.contains("round   2/2"))
        #expect(BuiltExecutables.ledgerLines(out).count == 2)
        let summary = try JSONDecoder().decode(JobSummary.self, from: Data(contentsOf: out.appendingPathComponent("summary.json")))
        #expect(summary.roundsCompleted == 2 && summary.connectionBytes.map(\.client) == [0, 1, 2])
        // The same run trained the centralized baseline and wrote the comparative report.
        for name in ["centralized.json", "profiles.json", "report.html", "report.md", "rounds.csv", "report.json"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) missing")
        }
        #expect(text.contains("verdict: "))
    }
}
