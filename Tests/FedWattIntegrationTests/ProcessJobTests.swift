import FedCoordinator
import Foundation
import Testing

@Suite(.serialized) struct ProcessJobTests {
    /// `fedwatt simulate` starts the real `fedwatt-coordinator` and `fedwatt-client` executables,
    /// which `swift build` put beside this test binary.
    @Test func simulateRunsTheBuiltExecutablesAsProcesses() async throws {
        let binaries = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-simulate-\(UUID())")
        defer { try? FileManager.default.removeItem(at: out) }
        let process = Process()
        process.executableURL = binaries.appendingPathComponent("fedwatt")
        process.arguments = [
            "simulate", "--dataset", "synthetic:features=32,classes=5,train=600,test=300", "--hidden", "16",
            "--clients", "3", "--rounds", "2", "--round-timeout", "20", "--out", out.path,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let (exits, continuation) = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { continuation.yield($0.terminationStatus) }
        try process.run()
        let watchdog = Task {
            try await Task.sleep(for: .seconds(60))
            process.terminate()
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        var status: Int32 = -1
        for await exit in exits {
            status = exit
            break
        }
        watchdog.cancel()
        let text = String(decoding: output, as: UTF8.self)
        #expect(status == 0, "fedwatt simulate said:\n\(text)")
        #expect(text.contains("round   2/2"))
        let ledger = try String(contentsOf: out.appendingPathComponent("ledger.jsonl"), encoding: .utf8)
        #expect(ledger.split(separator: "\n").count == 2)
        let summary = try JSONDecoder().decode(JobSummary.self, from: Data(contentsOf: out.appendingPathComponent("summary.json")))
        #expect(summary.roundsCompleted == 2 && summary.connectionBytes.map(\.client) == [0, 1, 2])
        // The same run trained the centralized baseline and wrote the comparative report.
        for name in ["centralized.json", "profiles.json", "report.html", "report.md", "rounds.csv", "report.json"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name) missing")
        }
        #expect(text.contains("verdict: "))
    }
}
