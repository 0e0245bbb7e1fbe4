import CoreMetrics
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus

/// `GET /metrics` over HTTP/1.1 on its own event loop: a Prometheus registry's text exposition,
/// for a Prometheus server to scrape.
///
/// It shares nothing with the coordinator's round loop but the registry (whose metrics are
/// lock-protected), so a slow, malformed or abusive request never holds a round up: a connection
/// whose request is not in whole within ``requestTimeout`` (of connecting, or of the last answer)
/// is closed, a malformed request gets 400 and a close, and past ``maximumConnections`` open
/// connections a new one is closed at once.
public final class MetricsEndpoint: Sendable {
    /// The registry served; make metrics with ``factory``.
    public let registry: PrometheusCollectorRegistry
    /// A swift-metrics factory whose metrics land in ``registry``, with ``CoordinatorMetrics``'
    /// help texts and buckets.
    public let factory: any MetricsFactory
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup

    /// How long a connection may take to send a whole request, from connecting or from its last answer.
    public static let requestTimeout = TimeAmount.seconds(5)
    /// Connections served at once; more are closed as they arrive.
    public static let maximumConnections = 64

    /// The port actually bound (useful with port 0).
    public var port: Int { channel.localAddress?.port ?? 0 }

    /// Serves a new registry on `host:port` (0: a free port).
    public init(host: String, port: Int) async throws {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        factory = CoordinatorMetrics.factory(registry: registry)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let open = NIOLockedValueBox(0)
        let beforeScrape = self.beforeScrape
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    let admitted = open.withLockedValue { count -> Bool in
                        guard count < Self.maximumConnections else { return false }
                        count += 1
                        return true
                    }
                    guard admitted else { return channel.close() }
                    channel.closeFuture.whenComplete { _ in open.withLockedValue { $0 -= 1 } }
                    return channel.eventLoop.makeCompletedFuture {
                        try Self.configureScrapePipeline(channel, registry: registry) { beforeScrape.withLockedValue { $0 }() }
                    }
                }
                .bind(host: host, port: port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private let beforeScrape = NIOLockedValueBox<@Sendable () -> Void>({})

    /// Runs `update` before each scrape: for gauges that are read rather than pushed, such as a
    /// buffer's fill.
    public func onScrape(_ update: @escaping @Sendable () -> Void) {
        beforeScrape.withLockedValue { $0 = update }
    }

    /// Installs the HTTP/1.1 handlers of one metrics connection on `channel`: the HTTP codec with
    /// its error handling (400 and close on a malformed request), and the scrape with its request
    /// deadline.
    public static func configureScrapePipeline(
        _ channel: any Channel, registry: PrometheusCollectorRegistry, beforeScrape: @escaping @Sendable () -> Void
    ) throws {
        let pipeline = channel.pipeline.syncOperations
        try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
        try pipeline.addHandler(ScrapeHandler(registry: registry, beforeScrape: beforeScrape))
    }

    /// Stops serving.
    public func shutdown() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}

/// Answers each request on one connection: the exposition for `GET /metrics`, 404 elsewhere,
/// 405 for other methods; closes the connection when a request does not come in whole in time, or
/// could not be parsed.
private final class ScrapeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let registry: PrometheusCollectorRegistry
    let beforeScrape: @Sendable () -> Void
    private var head: HTTPRequestHead?
    private var deadline: Scheduled<Void>?

    init(registry: PrometheusCollectorRegistry, beforeScrape: @escaping @Sendable () -> Void) {
        self.registry = registry
        self.beforeScrape = beforeScrape
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { armDeadline(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        armDeadline(context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
    }

    /// Closes the connection unless a whole request comes in within the request timeout.
    private func armDeadline(context: ChannelHandlerContext) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: MetricsEndpoint.requestTimeout) { channel.close(promise: nil) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A request the codec could not parse: its 400 has been sent; the connection is done.
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request): head = request
        case .body: break  // a scrape has no body; whatever comes is read and dropped
        case .end:
            guard let request = head else { return }
            head = nil
            respond(to: request, context: context)
            armDeadline(context: context)
        }
    }

    private func respond(to request: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = request.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.uri
        let (status, body, type): (HTTPResponseStatus, [UInt8], String)
        switch (request.method, path) {
        case (.GET, "/metrics"):
            beforeScrape()
            (status, body, type) = (.ok, registry.emitToBuffer(), "text/plain; version=0.0.4; charset=utf-8")
        case (_, "/metrics"):
            (status, body, type) = (.methodNotAllowed, Array("only GET /metrics is served\n".utf8), "text/plain; charset=utf-8")
        default:
            (status, body, type) = (.notFound, Array("only GET /metrics is served\n".utf8), "text/plain; charset=utf-8")
        }
        var headers = HTTPHeaders([("Content-Type", type), ("Content-Length", "\(body.count)")])
        if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !request.isKeepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
