import FedWire
import NIOCore

/// A connection's stalled-frame deadlines on the coordinator's ``JobClock``: the handshake deadline
/// and a granted frame's timeout pass when the job clock reaches them, like its round deadlines.
public struct JobClockDeadlines: DeadlineScheduler {
    let clock: any JobClock

    /// Deadlines on `clock`.
    public init(clock: any JobClock) {
        self.clock = clock
    }

    public func schedule(in delay: TimeAmount, _ action: @escaping @Sendable () -> Void) -> ScheduledDeadline {
        let deadline = clock.now + .nanoseconds(delay.nanoseconds)
        let waiting = Task { [clock] in
            do {
                try await clock.sleep(until: deadline)
            } catch {
                return  // cancelled: the frame completed, the peer was admitted, or the channel closed
            }
            action()
        }
        return ScheduledDeadline { waiting.cancel() }
    }
}
