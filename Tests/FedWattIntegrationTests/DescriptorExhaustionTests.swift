import FedCoordinator
import Foundation
import Testing

/// The open-file limit: raised at start-up as far as the hard limit allows, a job whose clients do
/// not fit under it refused, and when it is reached anyway, the coordinator pauses accepting (saying
/// so once) and frees descriptors held by connections that never register, so registered clients
/// are served.
@Suite(.serialized, .timeLimit(.minutes(2))) struct DescriptorExhaustionTests {
    /// The coordinator's arguments for a small job on `port` writing to `out`.
    func coordinatorArguments(port: Int, out: URL) -> [String] {
        [
            "--port", "\(port)", "--min-clients", "2", "--rounds", "2", "--dataset", "synthetic:features=32,classes=5,train=600,test=200",
            "--hidden", "16", "--handshake-timeout", "1", "--round-timeout", "20", "--out", out.path,
        ]
    }

    /// Waits until the text of `log` holds `line`, and returns that text.
    func waitFor(_ line: String, in log: URL) async throws -> String {
        while true {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if text.contains(line) { return text }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Started with a soft limit of 256, the coordinator raises it to the hard limit it inherited.
    @Test func theSoftLimitIsRaisedToTheHardLimitAtStartUp() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-rlimit-\(UUID())")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let log = out.appendingPathComponent("coordinator.log")
        let hard = OpenFileLimit.current().hard
        let coordinator = try BuiltExecutables.start(
            "fedwatt-coordinator", coordinatorArguments(port: try freePort(), out: out), log: log, ulimit: "-Sn 256")
        let text = try await waitFor("listening on", in: log)
        coordinator.terminate()
        await BuiltExecutables.waitForExit([coordinator])
        #expect(hard > 256)
        #expect(text.contains("open-file limit: \(hard)"), "\(text)")
    }

    /// A coordinator whose hard limit cannot hold a descriptor for each of its clients refuses to
    /// start, saying what to run.
    @Test func aHardLimitTooLowForTheClientsIsRefusedAtStartUp() async throws {
        let out = try makeScratchFolder("fedwatt-rlimit-low")
        defer { try? FileManager.default.removeItem(at: out) }
        let log = out.appendingPathComponent("coordinator.log")
        let coordinator = try BuiltExecutables.start(
            "fedwatt-coordinator", coordinatorArguments(port: try freePort(), out: out) + ["--clients", "100"], log: log, ulimit: "-n 64")
        #expect(await BuiltExecutables.waitForExit([coordinator], seconds: 30))
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(coordinator.terminationStatus != 0 && !text.contains("listening on"), "\(text)")
        #expect(text.contains("100 connections need 132 open files, and this process may open 64 (hard limit 64)"), "\(text)")
        #expect(text.contains("ulimit -Hn 132 && ulimit -Sn 132"), "\(text)")
    }

    /// A coordinator limited to 64 descriptors faces 150 idle connections that never register, then
    /// two real clients: the idle ones are closed at the handshake deadline (1 s), and the job runs.
    @Test func idleConnectionsAtTheOpenFileLimitDoNotKeepClientsOut() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-descriptors-\(UUID())")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let port = try freePort()
        let log = out.appendingPathComponent("coordinator.log")
        let coordinator = try BuiltExecutables.start(
            "fedwatt-coordinator", coordinatorArguments(port: port, out: out), log: log, ulimit: "-n 64")
        _ = try await waitFor("listening on", in: log)
        let idle = try (0..<150).map { _ in try RawConnection(port: port) }
        let clients = try (0..<2).map { id in
            try BuiltExecutables.start(
                "fedwatt-client", ["--coordinator", "127.0.0.1:\(port)", "--id", "\(id)", "--give-up-after", "30"],
                log: out.appendingPathComponent("client\(id).log"))
        }
        let finished = await BuiltExecutables.waitForExit([coordinator] + clients, seconds: 60)
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        #expect(finished && coordinator.terminationStatus == 0, "\(text.suffix(2000))")
        #expect(try BuiltExecutables.ledger(out).map(\.status) == [.completed, .completed])
        #expect(text.components(separatedBy: "cannot accept connections").count - 1 == 1, "said once: \(text.suffix(2000))")
        withExtendedLifetime(idle) {}
    }
}
