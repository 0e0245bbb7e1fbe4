import NIOCore

/// One connection's door: it admits the peer, and it is the connection's way to the ``InboundBudget``.
///
/// - Until ``PeerConnection/admit()`` sends ``AdmitPeer`` down the pipeline, the connection applies
///   the ``StrangerLimits`` (if any): their frame size and budget, and the handshake deadline, at
///   which a peer that has not sent a whole frame yet is refused with ``ErrorCode/handshakeTimeout``
///   (its first frame, a Register, gets the peer admitted or refused and closed by the coordinator).
///   Admission switches it to the member limits.
/// - The ``FrameDecoder`` asks the gate for room when a frame's header arrives, and while the request
///   waits the gate holds back the channel's reads, so the rest of the frame stays in the socket.
///   The charge of each complete frame is handed, with its message, to whoever handles it
///   (``ConnectionEvent/message(_:_:)``).
///
/// Event-loop confined, like every handler; grants from other threads hop onto the loop.
final class FrameReadGate: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer

    /// The limits the decoder and this gate apply now.
    let limits: FrameLimits
    /// The limits after admission.
    private let memberLimits: (maximumPayloadSize: Int, budget: InboundBudget?)
    private let handshakeTimeout: TimeAmount?
    /// The clock of the deadlines (nil: the event loop's, chosen when the gate is added).
    private var deadlines: (any DeadlineScheduler)?
    private var handshakeDeadline: ScheduledDeadline?
    /// The budget the frame being read is charged to (the connection's budget when it began).
    private var budget: InboundBudget?
    private var context: ChannelHandlerContext?
    /// The queued request for the frame being read, if its room has not been granted yet.
    private var ticket: Int?
    /// The room granted for the frame being read.
    private var charge: InboundCharge?
    /// The charge of the frame last completed, until the message it became is handed on.
    private var completed: InboundCharge?
    private var readHeld = false
    private var timeout: ScheduledDeadline?

    /// A gate applying `strangers` until the peer is admitted (from the start, without them),
    /// timing its deadlines with `deadlines` (nil: the event loop's timer).
    init(maximumPayloadSize: Int, budget: InboundBudget?, strangers: StrangerLimits?, deadlines: (any DeadlineScheduler)?) {
        memberLimits = (maximumPayloadSize, budget)
        limits = FrameLimits(
            maximumPayloadSize: strangers?.maximumPayloadSize ?? maximumPayloadSize, budget: strangers?.budget ?? budget)
        handshakeTimeout = strangers?.handshakeTimeout
        self.deadlines = deadlines
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if deadlines == nil { deadlines = EventLoopDeadlineScheduler(eventLoop: context.eventLoop) }
        guard let handshakeTimeout else { return }
        handshakeDeadline = schedule(in: handshakeTimeout, context: context) { $0.handshakeTimedOut() }
    }

    /// Arms a deadline that calls `expired` with this gate on its event loop.
    private func schedule(
        in delay: TimeAmount, context: ChannelHandlerContext, _ expired: @escaping @Sendable (FrameReadGate) -> Void
    ) -> ScheduledDeadline? {
        let loop = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        return deadlines?.schedule(in: delay) {
            if eventLoop.inEventLoop {
                expired(loop.value)
            } else {
                eventLoop.execute { expired(loop.value) }
            }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        if let ticket { budget?.withdraw(ticket: ticket) }
        ticket = nil
        charge = nil
        completed = nil
        timeout?.cancel()
        handshakeDeadline?.cancel()
        self.context = nil
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard event is AdmitPeer else { return context.triggerUserOutboundEvent(event, promise: promise) }
        handshakeDeadline?.cancel()
        handshakeDeadline = nil
        (limits.maximumPayloadSize, limits.budget) = memberLimits
        promise?.succeed()
    }

    func read(context: ChannelHandlerContext) {
        if ticket != nil {
            readHeld = true
        } else {
            context.read()
        }
    }

    /// Whether the frame begun last holds its room: its budget granted it, or no budget bounds it.
    var holdsFrameRoom: Bool { budget == nil || charge != nil }

    /// A frame of `bytes` (header to checksum) has begun: asks the budget for its room.
    func frameStarted(bytes: Int) {
        guard charge == nil, ticket == nil, let context else { return }
        budget = limits.budget
        guard let budget else { return }
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
        // The peer has said its first whole message (a Register, or anything the coordinator will
        // refuse and close on): from here the coordinator decides, however busy it is.
        handshakeDeadline?.cancel()
        handshakeDeadline = nil
        if charge == nil, let budget {
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
        guard let context, let budget else { return }
        timeout = schedule(in: budget.frameTimeout, context: context) { $0.frameTimedOut() }
    }

    private func frameTimedOut() {
        guard let context, let charge, let budget else { return }
        context.fireErrorCaught(WireError(
            .frameTimeout, "a frame of \(charge.bytes) bytes did not arrive whole within \(budget.frameTimeout.seconds) s"))
    }

    private func handshakeTimedOut() {
        guard let context, let handshakeTimeout else { return }
        context.fireErrorCaught(WireError(
            .handshakeTimeout, "the connection sent no whole Register within \(handshakeTimeout.seconds) s"))
    }

    private func resumeReading() {
        guard readHeld, ticket == nil, let context else { return }
        readHeld = false
        context.read()
    }
}

extension TimeAmount {
    /// The amount in seconds.
    var seconds: Double { Double(nanoseconds) / 1e9 }
}
