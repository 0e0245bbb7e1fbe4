import FedCommandLine
import NIOConcurrencyHelpers

/// The port the coordinator announces in its "listening on HOST:PORT" line, awaited once.
final class PortAnnouncement: Sendable {
    private let state = NIOLockedValueBox<(port: Int?, waiter: CheckedContinuation<Int?, Never>?)>((nil, nil))

    /// Looks for the announcement in one line of the coordinator's output.
    func offer(_ line: String) {
        let prefix = "listening on "
        guard line.hasPrefix(prefix), let (_, port) = hostAndPort(line.dropFirst(prefix.count)) else { return }
        deliver(port)
    }

    private func deliver(_ port: Int?) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<Int?, Never>? in
            guard state.port == nil else { return nil }
            state.port = port
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: port)
    }

    /// The announced port, or nil if the coordinator exits first.
    func value(orUntil exit: Task<Int32, Never>) async -> Int? {
        Task { [self] in
            _ = await exit.value
            try? await Task.sleep(for: .milliseconds(200))  // let its last lines be read
            deliver(nil)
        }
        return await withCheckedContinuation { continuation in
            let ready = state.withLockedValue { state -> Int?? in
                if let port = state.port { return .some(port) }
                state.waiter = continuation
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}
