import FedCommandLine
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The named pipe a coordinator started by `fedwatt` writes the port it bound to
/// (`fedwatt-coordinator --port-file PATH`): the parent waits on it, without reading the child's
/// output or sleeping.
///
/// The pipe is opened for reading before the coordinator starts, so neither side can miss the other:
/// the coordinator's write arrives whenever it comes, and if the coordinator exits without writing,
/// the parent opens and closes the pipe's writing end itself, which ends the wait.
final class PortPipe: Sendable {
    /// The pipe's path, for `--port-file`.
    let path: String
    private let descriptor: Int32

    /// Makes the pipe at `path` (replacing a stale one) and opens it for reading.
    init(path: String) throws {
        unlink(path)
        guard mkfifo(path, 0o600) == 0 else { throw SimulationError.portPipe(path: path, errno: errno) }
        descriptor = open(path, O_RDONLY | O_NONBLOCK)
        guard descriptor >= 0 else { throw SimulationError.portPipe(path: path, errno: errno) }
        self.path = path
    }

    deinit {
        close(descriptor)
        unlink(path)
    }

    /// The port the coordinator wrote, or nil if it exited (`exit` finished) without writing one.
    func port(orUntil exit: Task<Int32, Never>) async -> Int? {
        let path = self.path
        let watcher = Task {
            _ = await exit.value
            let writer = open(path, O_WRONLY | O_NONBLOCK)  // fails harmlessly once the reading is over
            if writer >= 0 { close(writer) }
        }
        defer { watcher.cancel() }
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread { [self] in continuation.resume(returning: readPort()) }
        }
    }

    /// Reads until the writing end closes; the text read is the port and a newline.
    private func readPort() -> Int? {
        var text: [UInt8] = []
        var reader = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while poll(&reader, 1, -1) >= 0 || errno == EINTR {
            var chunk = [UInt8](repeating: 0, count: 64)
            let count = read(descriptor, &chunk, chunk.count)
            if count > 0 {
                text += chunk.prefix(count)
            } else if count == 0 || errno != EAGAIN {
                break
            }
        }
        return Int(String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
