import Dispatch

/// Runs the coordinator's blocking disk writes (each round attempt's ledger line and checkpoint,
/// fsynced) on a thread of their own, one after another in the order given, so that neither the
/// coordinator's actor nor Swift's cooperative threads wait for the disk.
struct DiskWriteQueue: Sendable {
    private let queue = DispatchQueue(label: "fedwatt.coordinator.disk-writes")

    /// Runs `write` after every write given before it; returns, or throws its error, once it has run.
    func run(_ write: @escaping @Sendable () throws -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            queue.async { continuation.resume(with: Result { try write() }) }
        }
    }
}
