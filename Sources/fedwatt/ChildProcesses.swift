import Dispatch
import Foundation
import NIOConcurrencyHelpers

/// The processes `fedwatt simulate` starts: launched with their output forwarded line by line, and
/// all stopped together on Ctrl-C, on SIGTERM, or when the run fails.
final class ChildProcesses: Sendable {
    private let running = NIOLockedValueBox<[Process]>([])

    /// The folder holding the running executable, where `swift build` puts its siblings.
    static var executableDirectory: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// Stops every child when this process gets SIGINT or SIGTERM, then exits with 128 + the signal.
    /// Keep the returned sources alive for as long as that should hold.
    func stopAllOnSignals() -> [DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [self] in
                terminateAll()
                FileHandle.standardError.write(Data("fedwatt: interrupted; stopped every child process\n".utf8))
                exit(128 + signalNumber)
            }
            source.resume()
            return source
        }
    }

    /// A started child and its exit status, awaited without blocking a thread.
    struct Child: Sendable {
        let process: Process
        let exit: Task<Int32, Never>
    }

    /// Starts `executable` with `arguments`; each line it prints goes to `onLine` (on a thread of its own).
    func launch(_ executable: URL, _ arguments: [String], onLine: @escaping @Sendable (String) -> Void) throws -> Child {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw SimulationError.missingExecutable(executable.path)
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let (statuses, continuation) = AsyncStream.makeStream(of: Int32.self)
        process.terminationHandler = { finished in
            continuation.yield(finished.terminationStatus)
            continuation.finish()
        }
        try process.run()
        running.withLockedValue { $0.append(process) }
        let reader = pipe.fileHandleForReading
        // A thread of its own per child: a blocking read must not hold one of Dispatch's few workers,
        // which the signal handler needs.
        Thread.detachNewThread {
            var pending = Data()
            while case let chunk = reader.availableData, !chunk.isEmpty {
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    onLine(String(decoding: pending[pending.startIndex..<newline], as: UTF8.self))
                    pending.removeSubrange(pending.startIndex...newline)
                }
            }
            if !pending.isEmpty { onLine(String(decoding: pending, as: UTF8.self)) }
        }
        let exit = Task<Int32, Never> {
            for await status in statuses { return status }
            return -1
        }
        return Child(process: process, exit: exit)
    }

    /// Sends SIGTERM to every child still running.
    func terminateAll() {
        for process in running.withLockedValue({ $0 }) where process.isRunning { process.terminate() }
    }
}

/// Why a simulation stopped.
enum SimulationError: Error, CustomStringConvertible {
    case missingExecutable(String)
    case coordinatorFailed(Int32)
    case coordinatorGaveNoPort
    case clientsFailed([Int])
    case portPipe(path: String, errno: Int32)

    var description: String {
        switch self {
        case .missingExecutable(let path):
            return "\(path) not found: build every product first (swift build -c release)"
        case .coordinatorFailed(let status):
            return "the coordinator exited with status \(status)"
        case .coordinatorGaveNoPort:
            return "the coordinator exited before it said which port it listens on"
        case .clientsFailed(let ids):
            return "clients \(ids.map(String.init).joined(separator: ", ")) did not exit cleanly"
        case .portPipe(let path, let code):
            return "cannot make the pipe \(path) the coordinator announces its port on: \(String(cString: strerror(code)))"
        }
    }
}
