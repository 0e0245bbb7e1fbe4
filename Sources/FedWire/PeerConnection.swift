import NIOCore
import NIOPosix
import NIOSSL

/// One end of a FedWatt TCP connection as the code above the wire sees it: send messages or
/// pre-encoded frames, refuse the peer, read the byte counts.
public struct PeerConnection: Sendable {
    /// The NIO channel underneath.
    public let channel: Channel
    /// Bytes this connection carried, counted at the socket.
    public let counter: ByteCounter

    /// Wraps a channel whose pipeline was set up by ``configureFedWirePipeline(channel:counter:maximumPayloadSize:tls:budget:strangers:onEvent:)``.
    public init(channel: Channel, counter: ByteCounter) {
        self.channel = channel
        self.counter = counter
    }

    /// Sends a message; the future completes once the socket has taken it.
    @discardableResult
    public func send(_ message: Message) -> EventLoopFuture<Void> {
        send(frame: message.encodedFrame(allocator: channel.allocator))
    }

    /// Sends an already encoded frame (one encoding shared by many connections); the future
    /// completes once the socket has taken it.
    @discardableResult
    public func send(frame: ByteBuffer) -> EventLoopFuture<Void> {
        channel.writeAndFlush(frame)
    }

    /// How long a refused peer has to take its Error frame before the connection closes anyway.
    public static let refusalGrace = TimeAmount.seconds(1)

    /// Sends an Error frame for `error`, then closes the connection once it is written, or after
    /// ``refusalGrace`` if the peer does not read it.
    public func refuse(_ error: WireError) {
        let frame = Message.error(ProtocolError(code: error.code, text: error.detail)).encodedFrame(allocator: channel.allocator)
        let channel = self.channel
        let closing = channel.eventLoop.scheduleTask(in: Self.refusalGrace) { channel.close(promise: nil) }
        channel.writeAndFlush(frame).whenComplete { _ in
            closing.cancel()
            channel.close(promise: nil)
        }
    }

    /// Lifts the ``StrangerLimits`` the connection was set up with: from now on the peer's frames
    /// may be as large as a member's and are charged to the members' budget, and the handshake
    /// deadline is off. Call it before sending the Welcome, so the peer's next frame finds it done.
    public func admit() {
        channel.triggerUserOutboundEvent(AdmitPeer(), promise: nil)
    }

    /// Whether `write` completes by `deadline`. If it has not, the connection is closed, which drops
    /// whatever the socket has not taken, so a peer that stops reading holds nothing past it. Give a
    /// deadline still ahead: one already past may close the connection before a finished write is seen.
    public func settle(_ write: EventLoopFuture<Void>, by deadline: NIODeadline) -> EventLoopFuture<Bool> {
        let channel = self.channel
        let promise = channel.eventLoop.makePromise(of: Bool.self)
        let expiry = channel.eventLoop.scheduleTask(deadline: deadline) {
            promise.succeed(false)  // a promise already completed by the write ignores this
            channel.close(promise: nil)
        }
        write.hop(to: channel.eventLoop).whenComplete { _ in
            expiry.cancel()
            promise.succeed(true)
        }
        return promise.futureResult
    }

    /// Whether `write` completes within `grace` of the connection's event loop reaching this call.
    /// The grace starts after the tasks queued on the loop before it, the write among them, so a loop
    /// still busy with thousands of connections' writes does not spend the peer's time. If the write
    /// has not completed by then, the connection is closed, as with ``settle(_:by:)``.
    public func settle(_ write: EventLoopFuture<Void>, within grace: TimeAmount) -> EventLoopFuture<Bool> {
        channel.eventLoop.flatSubmit { settle(write, by: channel.eventLoop.now + grace) }
    }

    /// Closes the connection.
    public func close() {
        channel.close(promise: nil)
    }
}

/// What happened on a connection, in order.
public enum ConnectionEvent: Sendable {
    /// The peer sent a well-formed message. With an ``InboundBudget``, the charge holds the
    /// message's room until it is dropped: handle the message, then let go of both.
    case message(Message, InboundCharge?)
    /// The peer's bytes were refused; an Error frame has been sent and the connection is closing.
    case refused(WireError)
    /// The connection failed underneath the protocol: an I/O error, or a TLS handshake that one side
    /// refused (with mutual TLS, a client without an accepted certificate). The close follows.
    case failed(String)
    /// The connection is closed; nothing follows.
    case closed
}

/// Forwards a connection's messages, refusals and close to a callback, and answers malformed input
/// with an Error frame and a close: the last handler of every FedWatt pipeline.
public final class ConnectionEventHandler: ChannelInboundHandler {
    public typealias InboundIn = Message

    private let onEvent: @Sendable (ConnectionEvent) -> Void
    private let counter: ByteCounter
    private let gate: FrameReadGate

    init(counter: ByteCounter, gate: FrameReadGate, onEvent: @escaping @Sendable (ConnectionEvent) -> Void) {
        self.counter = counter
        self.gate = gate
        self.onEvent = onEvent
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        onEvent(.message(unwrapInboundIn(data), gate.takeCompletedCharge()))
    }

    public func errorCaught(context: ChannelHandlerContext, error: Error) {
        let wireError: WireError
        if let error = error as? WireError {
            wireError = error
        } else if let error = error as? ByteToMessageDecoderError, case .leftoverDataWhenDone = error {
            wireError = WireError(.malformedPayload, "connection closed in the middle of a frame")
        } else {
            onEvent(.failed("\(error)"))
            context.close(promise: nil)  // nothing to tell the peer at this level
            return
        }
        onEvent(.refused(wireError))
        PeerConnection(channel: context.channel, counter: counter).refuse(wireError)
    }

    public func channelInactive(context: ChannelHandlerContext) {
        onEvent(.closed)
        context.fireChannelInactive()
    }
}

/// Installs FedWatt's handlers on a new channel: byte counting (at the socket, so TLS records are
/// counted as sent), TLS when `tls` is given, framing (payloads over `maximumPayloadSize` refused
/// from their header; with `budget`, each frame waits for its room before more is read), message
/// decoding, and events to `onEvent`. With `strangers`, those limits apply instead until the peer
/// is admitted (``PeerConnection/admit()``), and a peer not admitted in time is refused. Those
/// deadlines run on `deadlines` (nil: the channel's event loop).
public func configureFedWirePipeline(
    channel: Channel, counter: ByteCounter, maximumPayloadSize: Int, tls: TLSRole? = nil, budget: InboundBudget? = nil,
    strangers: StrangerLimits? = nil, deadlines: (any DeadlineScheduler)? = nil, onEvent: @escaping @Sendable (ConnectionEvent) -> Void
) throws {
    let pipeline = channel.pipeline.syncOperations
    try pipeline.addHandler(ByteCountingHandler(counter: counter))
    switch tls {
    case .server(let context): try pipeline.addHandler(NIOSSLServerHandler(context: context))
    case .client(let context, let name): try pipeline.addHandler(try NIOSSLClientHandler(context: context, serverHostname: name))
    case nil: break
    }
    let gate = FrameReadGate(maximumPayloadSize: maximumPayloadSize, budget: budget, strangers: strangers, deadlines: deadlines)
    try pipeline.addHandler(gate)
    try pipeline.addHandler(ByteToMessageHandler(FrameDecoder(limits: gate.limits, gate: gate)))
    try pipeline.addHandler(MessageDecodingHandler())
    try pipeline.addHandler(ConnectionEventHandler(counter: counter, gate: gate, onEvent: onEvent))
}
