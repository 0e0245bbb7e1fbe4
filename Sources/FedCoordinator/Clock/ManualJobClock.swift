import NIOConcurrencyHelpers

/// A clock that stands still until its owner moves it: tests drive round deadlines with it without
/// waiting, and a simulation can jump it from one event to the next.
///
/// Sleepers whose deadline the clock reaches are woken, earliest first, by the call that moves it.
public final class ManualJobClock: JobClock {
    private struct Sleeper {
        var deadline: Duration
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now: Duration
        var sleepers: [Int: Sleeper] = [:]
        var nextSleeper = 0
    }

    private let state: NIOLockedValueBox<State>

    /// A clock that reads `start` until it is moved.
    public init(start: Duration = .zero) {
        state = NIOLockedValueBox(State(now: start))
    }

    public var now: Duration { state.withLockedValue(\.now) }

    /// The deadlines of those sleeping on the clock now, earliest first: what moving it would wake.
    public var sleeperDeadlines: [Duration] {
        state.withLockedValue { $0.sleepers.values.map(\.deadline).sorted() }
    }

    /// Moves the clock forward by `interval` and wakes whoever it reaches.
    public func advance(by interval: Duration) {
        precondition(interval >= .zero, "a clock does not go back")
        let woken = state.withLockedValue { state -> [CheckedContinuation<Void, any Error>] in
            state.now += interval
            let due = state.sleepers.filter { $0.value.deadline <= state.now }.sorted { $0.value.deadline < $1.value.deadline }
            for (key, _) in due { state.sleepers[key] = nil }
            return due.map(\.value.continuation)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Moves the clock forward to `instant` (if it is not there already) and wakes whoever it reaches.
    public func advance(to instant: Duration) {
        advance(by: max(.zero, instant - now))
    }

    public func sleep(until deadline: Duration) async throws {
        let key = state.withLockedValue { state -> Int in
            defer { state.nextSleeper += 1 }
            return state.nextSleeper
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let passed = state.withLockedValue { state -> Bool in
                    if deadline <= state.now || Task.isCancelled { return true }
                    state.sleepers[key] = Sleeper(deadline: deadline, continuation: continuation)
                    return false
                }
                if passed { continuation.resume() }
            }
        } onCancel: {
            let sleeper = state.withLockedValue { $0.sleepers.removeValue(forKey: key) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
        try Task.checkCancellation()
    }
}
