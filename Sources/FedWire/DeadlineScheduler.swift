import NIOCore

/// The clock a connection's stalled-frame deadlines run on: the handshake deadline of a peer not
/// yet admitted (``StrangerLimits/handshakeTimeout``) and the timeout of a frame whose room was
/// granted (``InboundBudget/frameTimeout``).
///
/// Without one, a connection times them on its event loop. The coordinator hands its job clock
/// in, so the deadlines follow the same time as its rounds and a test passes them by moving a
/// manual clock instead of waiting.
public protocol DeadlineScheduler: Sendable {
    /// Calls `action` once `delay` has passed on this clock, from any thread, unless the returned
    /// deadline is cancelled first.
    func schedule(in delay: TimeAmount, _ action: @escaping @Sendable () -> Void) -> ScheduledDeadline
}

/// A deadline armed with a ``DeadlineScheduler``; cancelling it after it fired does nothing.
public struct ScheduledDeadline: Sendable {
    private let cancelAction: @Sendable () -> Void

    /// A deadline that `cancel` disarms.
    public init(cancel: @escaping @Sendable () -> Void) {
        cancelAction = cancel
    }

    /// Disarms the deadline.
    public func cancel() {
        cancelAction()
    }
}

/// Deadlines on an event loop's own timer: the default of every connection.
public struct EventLoopDeadlineScheduler: DeadlineScheduler {
    let eventLoop: any EventLoop

    /// Deadlines on `eventLoop`'s timer.
    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func schedule(in delay: TimeAmount, _ action: @escaping @Sendable () -> Void) -> ScheduledDeadline {
        let task = eventLoop.scheduleTask(in: delay, action)
        return ScheduledDeadline { task.cancel() }
    }
}
