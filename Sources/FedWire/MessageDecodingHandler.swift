import NIOCore

/// Turns each ``Frame`` into a ``Message``; a payload that does not decode is passed on as an error.
public final class MessageDecodingHandler: ChannelInboundHandler {
    public typealias InboundIn = Frame
    public typealias InboundOut = Message

    /// Creates the handler.
    public init() {}

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        do {
            context.fireChannelRead(wrapInboundOut(try Message(frame: unwrapInboundIn(data))))
        } catch {
            context.fireErrorCaught(error)
        }
    }
}
