import FedMetrics
import Foundation
import NIOCore
import NIOEmbedded
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The metrics endpoint answers scrapes and shrugs off bad HTTP: a malformed request gets 400 and a
/// close, other paths and methods 404 and 405, connections past the cap are closed at once, and
/// an idle connection is closed at the request timeout.
@Suite(.timeLimit(.minutes(1))) struct MetricsEndpointTests {
    @Test func scrapesAndBadRequests() async throws {
        let endpoint = try await MetricsEndpoint(host: "127.0.0.1", port: 0)
        _ = CoordinatorMetrics(factory: endpoint.factory)
        let scrape = try await httpExchange(port: endpoint.port, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(scrape.hasPrefix("HTTP/1.1 200 OK") && scrape.contains("# TYPE fedwatt_rounds_completed_total counter"))
        #expect(try await httpExchange(port: endpoint.port, "POST /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").hasPrefix("HTTP/1.1 405"))
        #expect(try await httpExchange(port: endpoint.port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").hasPrefix("HTTP/1.1 404"))
        // Not HTTP at all: 400, then the connection is closed (the exchange reads to its end).
        #expect(try await httpExchange(port: endpoint.port, "\u{1}\u{2} nonsense\r\n\r\n").hasPrefix("HTTP/1.1 400"))

        // 64 idle connections hold every place; the next is closed at once, and once they go, a scrape works.
        let idle = try (0..<MetricsEndpoint.maximumConnections).map { _ in try RawConnection(port: endpoint.port) }
        let refused = try RawConnection(port: endpoint.port)
        #expect(await refused.isClosedByPeer())
        for connection in idle { connection.hangUp() }
        var served = false
        for _ in 0..<200 where !served {
            served = try await httpExchange(port: endpoint.port, "GET /metrics HTTP/1.0\r\n\r\n").hasPrefix("HTTP/1.0 200")
            if !served { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(served)
        await endpoint.shutdown()
    }

    /// A connection that sends half a request is closed at the request timeout, even while bytes
    /// trickle in.
    @Test func anIdleConnectionIsClosedAtTheRequestTimeout() throws {
        let channel = EmbeddedChannel()
        try MetricsEndpoint.configureScrapePipeline(channel, registry: .init()) {}
        try channel.connect(to: .init(ipAddress: "127.0.0.1", port: 1)).wait()
        try channel.writeInbound(ByteBuffer(string: "GET /metr"))
        channel.embeddedEventLoop.advanceTime(by: MetricsEndpoint.requestTimeout - .seconds(1))
        try channel.writeInbound(ByteBuffer(string: "ics HTTP/1.1\r\n"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(1) - .nanoseconds(1))
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .nanoseconds(1))
        #expect(!channel.isActive)
    }
}
