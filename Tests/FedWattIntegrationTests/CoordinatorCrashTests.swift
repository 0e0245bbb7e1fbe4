import FedCoordinator
import Foundation
import Testing

@Suite(.serialized, .timeLimit(.minutes(2))) struct CoordinatorCrashTests {
    let binaries = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()

    func start(_ name: String, _ arguments: [String], log: URL) throws -> Process {
        let process = Process()
        process.executableURL = binaries.appendingPathComponent(name)
        process.arguments = arguments
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    func ledgerLines(_ out: URL) -> [String] {
        ((try? String(contentsOf: out.appendingPathComponent("ledger.jsonl"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

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
        var coordinator = try start("fedwatt-coordinator", job, log: out.appendingPathComponent("first.log"))
        let clients = try (0..<2).map { id in
            try start("fedwatt-client", ["--coordinator", "127.0.0.1:\(port)", "--id", "\(id)", "--give-up-after", "30"],
                log: out.appendingPathComponent("client\(id).log"))
        }
        defer { for process in clients + [coordinator] where process.isRunning { process.terminate() } }
        // Watch the ledger from a thread of its own, so a busy cooperative pool cannot delay the kill.
        let victim = coordinator.processIdentifier
        let ledger = out.appendingPathComponent("ledger.jsonl").path
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                let deadline = Date().addingTimeInterval(30)
                while Date() < deadline {
                    let text = (try? String(contentsOfFile: ledger, encoding: .utf8)) ?? ""
                    if text.split(separator: "\n").count >= 3 { break }
                    usleep(1000)
                }
                kill(victim, SIGKILL)
                done.resume()
            }
        }
        coordinator.waitUntilExit()
        let linesAtCrash = ledgerLines(out).count
        #expect(linesAtCrash >= 3 && linesAtCrash < 120, "the kill must land mid-run")

        coordinator = try start("fedwatt-coordinator", job + ["--resume"], log: out.appendingPathComponent("second.log"))
        coordinator.waitUntilExit()
        for client in clients { client.waitUntilExit() }
        let secondLog = (try? String(contentsOf: out.appendingPathComponent("second.log"), encoding: .utf8)) ?? ""
        #expect(coordinator.terminationStatus == 0, "resumed coordinator said:\n\(secondLog)")
        #expect(clients.allSatisfy { $0.terminationStatus == 0 })
        let rounds = try ledgerLines(out).map { try JSONDecoder().decode(RoundRecord.self, from: Data($0.utf8)) }
            .filter { $0.status == .completed }.map(\.round)
        #expect(rounds == Array(1...120))
        #expect(secondLog.contains("resuming at round"))
    }
}

/// A port nothing listens on right now (the kernel's choice for a socket bound to port 0).
func freePort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = loopbackAddress(port: 0)
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
    return Int(UInt16(bigEndian: address.sin_port))
}
