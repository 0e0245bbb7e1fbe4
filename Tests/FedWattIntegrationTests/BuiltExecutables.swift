import FedCoordinator
import FedLedger
import Foundation

/// The package's executables as built beside this test bundle, started as child processes.
enum BuiltExecutables {
    static let folder = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()

    /// Starts executable `name` with `arguments`, its output in `log`; with `ulimit`, under the
    /// limits that `ulimit` with those arguments sets (`-n 64`: soft and hard open-file limits).
    static func start(_ name: String, _ arguments: [String], log: URL, ulimit: String? = nil) throws -> Process {
        try start(executable: folder.appendingPathComponent(name), arguments, log: log, ulimit: ulimit)
    }

    /// Starts the program at `executable` (one of the package's, or a system tool) in the same way;
    /// with `stdin`, that text is its standard input.
    static func start(executable: URL, _ arguments: [String], log: URL, ulimit: String? = nil, stdin: String? = nil) throws -> Process {
        let process = Process()
        if let ulimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit \(ulimit) && exec \"$0\" \"$@\"", executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        let input = stdin.map { _ in Pipe() }
        if let input { process.standardInput = input }
        try process.run()
        if let input, let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        return process
    }

    /// The ledger's text in `out` so far ("" before it exists).
    private static func ledgerText(_ out: URL) -> String {
        (try? String(contentsOf: out.appendingPathComponent("ledger.jsonl"), encoding: .utf8)) ?? ""
    }

    /// The lines of the ledger in `out` so far.
    static func ledgerLines(_ out: URL) -> [String] {
        ledgerText(out).split(separator: "\n").map(String.init)
    }

    /// The ledger's records in `out` so far.
    static func ledger(_ out: URL) throws -> [RoundRecord] {
        try ledgerRecords(ledgerText(out))
    }

    /// Sends SIGKILL to `process` once `condition` holds (checked every millisecond for up to 30 s),
    /// and waits for it to die.
    static func kill(_ process: Process, when condition: @escaping @Sendable () -> Bool) async {
        await onOwnThread {
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline, !condition() { usleep(1000) }
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Waits for every process in `processes` to exit, for at most `seconds`; returns whether they did
    /// (those still running then are terminated).
    static func waitForExit(_ processes: [Process], seconds: Double) async -> Bool {
        await onOwnThread {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline, processes.contains(where: \.isRunning) { usleep(10_000) }
        }
        let running = processes.filter(\.isRunning)
        for process in running { process.terminate() }
        await waitForExit(running)
        return running.isEmpty
    }

    /// Waits for every process in `processes` to exit.
    static func waitForExit(_ processes: [Process]) async {
        await onOwnThread { for process in processes { process.waitUntilExit() } }
    }
}
