import FedCommandLine
import FedCoordinator
import FedData
import FedLearning
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
        #expect(await BuiltExecutables.waitForExit([process], seconds: 60), "fedwatt simulate did not finish in 60 s")
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
        // Coordinator and clients read the job from the file `simulate` wrote, not from flags.
        let description = try JobDescription(file: out.appendingPathComponent(JobDescription.fileName).path)
        #expect(description.clients == 3 && description.federation.rounds == 2)
        #expect(description.model == (try ModelOptions.parse(["--hidden", "16"]).choice))
        #expect(summary.job == (try description.federatedJob()))
    }

    /// A coordinator that exits before it binds (here: no Fashion-MNIST where the job says) ends
    /// `simulate` with an error naming that, instead of a wait for a port that never comes.
    @Test func aCoordinatorThatExitsBeforeListeningEndsTheSimulation() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-no-port-\(UUID())")
        let log = out.appendingPathExtension("log")
        defer { for url in [out, log] { try? FileManager.default.removeItem(at: url) } }
        let process = try BuiltExecutables.start(
            "fedwatt", ["simulate", "--data-dir", "/nonexistent/fedwatt", "--clients", "2", "--rounds", "1", "--out", out.path], log: log)
        #expect(await BuiltExecutables.waitForExit([process], seconds: 60), "fedwatt simulate waited for a port past 60 s")
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(process.terminationStatus != 0)
        #expect(text.contains("the coordinator exited before it said which port it listens on"), "fedwatt simulate said:\n\(text)")
    }

    /// `fedwatt-coordinator --job FILE --port-file PATH`, started by hand: the job comes from the
    /// file, the port goes to a regular file, and a client given the same file joins and finishes.
    @Test func theCoordinatorAndAClientStartedByHandTakeTheJobFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-job-file-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let job = JobDescription(
            clients: 1, model: try ModelOptions.parse(["--model", "softmax"]).choice,
            sgd: SGDConfiguration(learningRate: 0.1, batchSize: 16), seed: 5,
            data: try DataOptions.parse(["--dataset", "synthetic:features=8,classes=3,train=60,test=30"]).settings,
            federation: try FederationOptions.parse(["--rounds", "2", "--round-timeout", "30", "--max-round-attempts", "1"]).settings,
            energy: try ProfileOptions.parse(["--grid", "FRA"]).settings,
            simulatedClients: .init(device: "jetson-nano", link: "lte", attackers: 0, attack: .signFlip(scale: 1)))
        let file = try job.write(into: folder.path)
        let portFile = folder.appendingPathComponent("port").path
        let out = folder.appendingPathComponent("out")
        let coordinator = try BuiltExecutables.start(
            "fedwatt-coordinator", ["--job", file, "--port-file", portFile, "--out", out.path], log: folder.appendingPathComponent("coordinator.log"))
        var port: Int?
        for _ in 0..<1000 where port == nil {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .newlines)) }
            if port == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let listening = try #require(port, "no port in \(portFile)")
        let client = try BuiltExecutables.start(
            "fedwatt-client", ["--job", file, "--coordinator", "127.0.0.1:\(listening)", "--id", "0"],
            log: folder.appendingPathComponent("client.log"))
        #expect(await BuiltExecutables.waitForExit([coordinator, client], seconds: 60))
        let records = try BuiltExecutables.ledger(out)
        #expect(records.map(\.status) == [.completed, .completed])
        #expect(records[0].clients.map(\.device) == ["jetson-nano"] && records[0].clients.map(\.link) == ["lte"])
    }

    /// A job file that is not one is refused with its name and what is wrong.
    @Test func aBadJobFileIsRefusedNamingTheFileAndTheField() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-bad-job-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try #"{"clients": 3, "model": {"kind": "mlp", "hidden": 16}}"#.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: JobFileError.invalid(path: path, reason: "sgd is missing")) { try JobDescription(file: path) }
        #expect(throws: JobFileError.self) { try JobDescription(file: path + ".absent") }
    }
}
