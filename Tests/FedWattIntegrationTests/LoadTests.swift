import FedLedger
import Foundation
import Testing

/// `fedwatt load` split over processes: one starts the coordinator and runs some client ids, another
/// joins it with the job file and runs the rest, and the job is theirs together.
@Suite(.serialized, .timeLimit(.minutes(2))) struct LoadTests {
    /// The flags of a small job of four clients, all of them in every round.
    let jobFlags = [
        "--clients", "4", "--dataset", "synthetic:features=16,classes=3,train=240,test=60", "--hidden", "8", "--rounds", "2",
        "--round-timeout", "30",
    ]

    @Test func twoLoadProcessesFillOneJob() async throws {
        let folder = try makeScratchFolder("fedwatt-load")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let port = try freePort()
        let hostLog = folder.appendingPathComponent("host.log")
        let host = try BuiltExecutables.start(
            "fedwatt", ["load"] + jobFlags + ["--count", "2", "--port", "\(port)", "--out", out.path], log: hostLog)
        // The joining process needs the job file the first one writes before it starts its coordinator.
        let jobFile = out.appendingPathComponent("job.json")
        while !FileManager.default.fileExists(atPath: jobFile.path), host.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        let joinLog = folder.appendingPathComponent("join.log")
        let joining = try BuiltExecutables.start(
            "fedwatt", ["load", "--coordinator", "127.0.0.1:\(port)", "--job", jobFile.path, "--first-id", "2", "--count", "2"],
            log: joinLog)
        let finished = await BuiltExecutables.waitForExit([host, joining], seconds: 90)
        let (hostText, joinText) = (try String(contentsOf: hostLog, encoding: .utf8), try String(contentsOf: joinLog, encoding: .utf8))
        #expect(finished && host.terminationStatus == 0 && joining.terminationStatus == 0, "\(hostText)\n\(joinText)")
        let records = try BuiltExecutables.ledger(out)
        #expect(records.map(\.status) == [.completed, .completed])
        #expect(records.map(\.completed) == [[0, 1, 2, 3], [0, 1, 2, 3]])
        #expect(hostText.contains("load: clients 0..<2 run here; the rest join with fedwatt load --coordinator 127.0.0.1:\(port)"))
        #expect(hostText.contains("4 clients ready"), "\(hostText)")
        #expect(joinText.contains("load: clients 2..<4 answered 4 rounds in all"), "\(joinText)")
    }

    /// A joining process runs the coordinator's job: a flag that would describe another job, or ids
    /// outside the job, are refused before anything starts.
    @Test func aJoiningProcessRefusesJobFlagsAndIdsOutsideTheJob() async throws {
        let folder = try makeScratchFolder("fedwatt-load-flags")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases: [(arguments: [String], says: String)] = [
            (["--coordinator", "127.0.0.1:9", "--rounds", "5"], "with --coordinator the coordinator's job runs"),
            (["--coordinator", "127.0.0.1:9", "--clients", "10", "--first-id", "8", "--count", "5"], "runs ids outside the job's 0..<10"),
            (["--coordinator", "127.0.0.1:9", "--count", "0"], "--count must be at least 1 with --coordinator"),
            (["--coordinator", "localhost"], "--coordinator must be HOST:PORT"),
            (["--clients", "10", "--first-id", "10"], "--first-id 10 is not a client id of the job (0..<10)"),
        ]
        for (index, (arguments, says)) in cases.enumerated() {
            let log = folder.appendingPathComponent("\(index).log")
            let process = try BuiltExecutables.start("fedwatt", ["load"] + arguments + ["--out", folder.path], log: log)
            #expect(await BuiltExecutables.waitForExit([process], seconds: 30))
            let text = try String(contentsOf: log, encoding: .utf8)
            #expect(process.terminationStatus != 0 && text.contains(says), "\(arguments): \(text)")
        }
    }

    /// A load process whose clients cannot all hold a descriptor under its hard limit refuses to
    /// start, saying what to run.
    @Test func aLoadProcessRefusesMoreClientsThanItsOpenFileLimitHolds() async throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-load-limit-\(UUID()).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let process = try BuiltExecutables.start(
            "fedwatt", ["load", "--coordinator", "127.0.0.1:9", "--clients", "100"], log: log, ulimit: "-n 64")
        #expect(await BuiltExecutables.waitForExit([process], seconds: 30))
        let text = try String(contentsOf: log, encoding: .utf8)
        #expect(process.terminationStatus != 0, "\(text)")
        #expect(text.contains("100 connections need 132 open files, and this process may open 64 (hard limit 64)"), "\(text)")
        #expect(text.contains("ulimit -Hn 132 && ulimit -Sn 132"), "\(text)")
    }
}
