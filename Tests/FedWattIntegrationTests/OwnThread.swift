import Foundation

/// Runs blocking `work` (a socket read, a process wait, a polling loop) on a thread of its own and
/// returns its result.
///
/// Neither the cooperative pool nor Dispatch's global queues are used: on Linux the Swift runtime's
/// global executor is Dispatch's global queue, two threads wide on a 2-core machine, so a blocking
/// wait there stalls the in-process coordinators and clients of every other test running at the
/// same time (they then miss their own deadlines).
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

/// ``onOwnThread(_:)`` for work that cannot throw.
func onOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: work()) }
    }
}
