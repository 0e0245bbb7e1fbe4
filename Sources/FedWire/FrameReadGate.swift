import NIOCore

/// One connection's door to the ``InboundBudget``: the ``FrameDecoder`` asks it for room when a
/// frame's header arrives, and while the request waits the gate holds back the channel's reads, so
/// the rest of the frame stays in the socket. The charge of each complete frame is handed, with its
/// message, to whoever handles it (``ConnectionEvent/message(_:_:)``).
///
/// Event-loop confined, like every handler; grants from other threads hop onto the loop.
final class FrameReadGate: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer

    private let budget: InboundBudget
    private var context: ChannelHandlerContext?
    /// The queued request for the frame being read, if its room has not been granted yet.
    private var ticket: Int?
    /// The room granted for the frame being read.
    private var charge: InboundCharge?
    /// The charge of the frame last completed, until the message it became is handed on.
    private var completed: InboundCharge?
    private var readHeld = false
    private var timeout: Scheduled<Void>?

    init(budget: InboundBudget) {
        self.budget = budget
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if let ticket { budget.withdraw(ticket: ticket) }
        ticket = nil
        charge = nil
        completed = nil
        timeout?.cancel()
        self.context = nil
    }

    func read(context: ChannelHandlerContext) {
        if ticket != nil {
            readHeld = true
        } else {
            context.read()
        }
    }

    /// A frame of `bytes` (header to checksum) has begun: asks the budget for its room.
    func frameStarted(bytes: Int) {
        guard charge == nil, ticket == nil, let context else { return }
        let loop = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        switch budget.request(bytes, onGrant: { ticket, charge in
            eventLoop.execute { loop.value.granted(charge, ticket: ticket) }
        }) {
        case .granted(let charge): hold(charge)
        case .queued(let ticket): self.ticket = ticket
        }
    }

    /// The frame begun last is complete. If its room was never granted (its bytes came in before the
    /// reads stopped), it is charged now: it is in memory either way.
    func frameCompleted(bytes: Int) {
        if charge == nil {
            // A grant already on its way finds no ticket when it lands, and is dropped.
            if let ticket { budget.withdraw(ticket: ticket) }
            ticket = nil
            charge = budget.charge(bytes)
            resumeReading()
        }
        timeout?.cancel()
        timeout = nil
        completed = charge
        charge = nil
    }

    /// Hands over the charge of the frame completed last.
    func takeCompletedCharge() -> InboundCharge? {
        defer { completed = nil }
        return completed
    }

    private func granted(_ charge: InboundCharge, ticket: Int) {
        // A grant for a request the gate gave up (the frame completed or the channel closed) is
        // dropped here, which releases it.
        guard self.ticket == ticket, context != nil else { return }
        self.ticket = nil
        hold(charge)
        resumeReading()
    }

    private func hold(_ charge: InboundCharge) {
        self.charge = charge
        guard let context else { return }
        let loop = NIOLoopBound(self, eventLoop: context.eventLoop)
        timeout = context.eventLoop.scheduleTask(in: budget.frameTimeout) { loop.value.frameTimedOut() }
    }

    private func frameTimedOut() {
        guard let context, let charge else { return }
        let seconds = Double(budget.frameTimeout.nanoseconds) / 1e9
        context.fireErrorCaught(WireError(.frameTimeout, "a frame of \(charge.bytes) bytes did not arrive whole within \(seconds) s"))
    }

    private func resumeReading() {
        guard readHeld, ticket == nil, let context else { return }
        readHeld = false
        context.read()
    }
}
