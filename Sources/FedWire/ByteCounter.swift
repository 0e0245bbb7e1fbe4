import NIOConcurrencyHelpers
import NIOCore

/// Bytes a connection carried, each way, counted where they meet the socket.
public struct ByteCounts: Sendable, Hashable, Codable {
    /// Bytes read from the socket.
    public var read: Int
    /// Bytes written to the socket (counted when the write completes).
    public var written: Int

    /// Creates counts.
    public init(read: Int = 0, written: Int = 0) {
        self.read = read
        self.written = written
    }

    /// The traffic between an earlier reading and this one.
    public static func - (later: ByteCounts, earlier: ByteCounts) -> ByteCounts {
        ByteCounts(read: later.read - earlier.read, written: later.written - earlier.written)
    }

    /// Adds another connection's or reading's traffic.
    public static func += (total: inout ByteCounts, more: ByteCounts) {
        total.read += more.read
        total.written += more.written
    }
}

/// A thread-safe running total of a connection's bytes, read from any task.
public final class ByteCounter: Sendable {
    private let counts = NIOLockedValueBox(ByteCounts())

    /// Creates a counter at zero.
    public init() {}

    /// The totals so far.
    public var current: ByteCounts { counts.withLockedValue { $0 } }

    func add(read: Int) { counts.withLockedValue { $0.read += read } }
    func add(written: Int) { counts.withLockedValue { $0.written += written } }
}

/// The first handler of every FedWatt pipeline: counts the bytes read from and written to the socket.
///
/// Reads are counted as they arrive, writes when the socket has taken them (the write promise
/// succeeds), so a frame still queued when a connection dies is not counted as sent.
public final class ByteCountingHandler: ChannelDuplexHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    private let counter: ByteCounter

    /// Creates a handler adding to `counter`.
    public init(counter: ByteCounter) {
        self.counter = counter
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        counter.add(read: unwrapInboundIn(data).readableBytes)
        context.fireChannelRead(data)
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let size = unwrapOutboundIn(data).readableBytes
        let completion = promise ?? context.eventLoop.makePromise()
        let counter = self.counter
        completion.futureResult.whenSuccess { counter.add(written: size) }
        context.write(data, promise: completion)
    }
}
