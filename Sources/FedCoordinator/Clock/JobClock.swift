import FedLearning

/// The time a coordinator runs on: round deadlines, round and job durations, and the host costs it
/// records (decoding, evaluation) are all read from one clock handed to it.
///
/// Instants are durations since the clock's own origin, so a clock may start anywhere and move by
/// any amount at once: ``SystemJobClock`` follows the host's monotonic clock, ``ManualJobClock``
/// moves only when its owner moves it (tests, and a simulated device clock that jumps from one
/// event to the next).
public protocol JobClock: Sendable {
    /// The time now, as a duration since the clock's origin.
    var now: Duration { get }
    /// Returns once ``now`` has reached `deadline`; throws `CancellationError` if the task is
    /// cancelled first.
    func sleep(until deadline: Duration) async throws
}

extension JobClock {
    /// The seconds from `start` to now.
    public func secondsSince(_ start: Duration) -> Double {
        (now - start).inSeconds
    }
}
