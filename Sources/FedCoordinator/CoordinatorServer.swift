import FedWire
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The TCP side of the coordinator: accepts connections, installs FedWatt's pipeline on each, and
/// turns everything that happens on them into ``CoordinatorEvent``s for the ``Coordinator``.
public final class CoordinatorServer: Sendable {
    private let channel: Channel
    private let group: MultiThreadedEventLoopGroup

    /// The port actually bound (useful with port 0).
    public var port: Int { channel.localAddress?.port ?? 0 }

    /// How long accepting pauses when the process is out of file descriptors.
    public static let acceptBackoff = TimeAmount.milliseconds(250)

    /// The listen backlog asked for: connections the kernel has completed and the coordinator not yet
    /// accepted. Linux caps it at `net.core.somaxconn` (4096 by default since 5.4). When the queue is
    /// full, the kernel drops the client's final handshake packet, and a client that never gets
    /// its connection accepted is left waiting (clients hang up after their handshake timeout).
    public static let defaultBacklog: Int32 = 4096

    /// Listens on `host:port` (port 0 picks a free one), refusing frame payloads over `maximumPayloadSize`.
    /// With `tls`, every connection is TLS (see ``TLSRole/server(certificatePath:keyPath:clientTrustRootsPath:)``). With
    /// `budget`, all connections together hold at most its limit of received frames until the
    /// coordinator has handled them (plus what one read brings in on a connection that must wait).
    /// With `strangers`, a connection is held to those limits until the coordinator admits its
    /// client, and closed if that does not happen in time. Those deadlines, and each granted frame's
    /// timeout, run on `clock`: give it the coordinator's.
    ///
    /// `backlog` is the listen backlog (``defaultBacklog``).
    ///
    /// When accepting fails (out of file descriptors), accepting pauses for ``acceptBackoff`` instead
    /// of spinning, and the first such failure is logged; the connections already open carry on.
    public init(
        host: String, port: Int, maximumPayloadSize: Int, events: AsyncStream<CoordinatorEvent>.Continuation,
        tls: TLSRole? = nil, budget: InboundBudget? = nil, strangers: StrangerLimits? = nil, clock: any JobClock = SystemJobClock(),
        backlog: Int32 = defaultBacklog, logger: Logger = Logger(label: "fedwatt.coordinator")
    ) async throws {
        // One event loop: the coordinator's work is in its round loop, not in I/O.
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let nextID = NIOLockedValueBox(0)
        let acceptFailureLogged = NIOLockedValueBox(false)
        let deadlines = JobClockDeadlines(clock: clock)
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(AcceptBackoffHandler { error in
                            if !acceptFailureLogged.withLockedValue({ logged in defer { logged = true }; return logged }) {
                                let limit = OpenFileLimit.current()
                                logger.error(
                                    "cannot accept connections: \(error) (open-file limit \(limit.soft), hard \(limit.hard)); pausing accepts for \(Self.acceptBackoff.nanoseconds / 1_000_000) ms at a time while connected clients carry on")
                            }
                            return Self.acceptBackoff
                        })
                    }
                }
                .serverChannelOption(.backlog, value: backlog)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                // NIO keeps maxMessagesPerRead receive buffers (up to 64 KiB each) for every
                // connection's life: one per connection, not four, when a fleet is connected.
                .childChannelOption(.maxMessagesPerRead, value: 1)
                .childChannelInitializer { channel in
                    let id = nextID.withLockedValue { value -> Int in
                        value += 1
                        return value
                    }
                    let counter = ByteCounter()
                    return channel.eventLoop.makeCompletedFuture {
                        try configureFedWirePipeline(
                            channel: channel, counter: counter, maximumPayloadSize: maximumPayloadSize, tls: tls, budget: budget,
                            strangers: strangers, deadlines: deadlines
                        ) {
                            events.yield(.connection(id, $0))
                        }
                        events.yield(.connected(id, PeerConnection(channel: channel, counter: counter)))
                    }
                }
                .bind(host: host, port: port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Stops listening, closes every connection and releases the event loop.
    public func shutdown() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}
