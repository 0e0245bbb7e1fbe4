import FedCoordinator
import FedWire
import NIOCore
import Testing

/// Every connection the coordinator accepts reads into one receive buffer of 16 KiB at most: NIO
/// keeps it for the connection's whole life, at the largest size it grew to.
@Suite struct ReceiveBufferTests {
    @Test func theCoordinatorsConnectionsKeepOneBufferOf16KiBAtMost() async throws {
        let (events, continuation) = AsyncStream.makeStream(of: CoordinatorEvent.self)
        let server = try await CoordinatorServer(host: "127.0.0.1", port: 0, maximumPayloadSize: 1 << 20, events: continuation)
        let raw = try RawConnection(port: server.port)
        var accepted: PeerConnection?
        for await event in events {
            if case .connected(_, let connection) = event {
                accepted = connection
                break
            }
        }
        let channel = try #require(accepted).channel
        let allocator = try await channel.getOption(.recvAllocator).get() as? AdaptiveRecvByteBufferAllocator
        #expect(allocator?.maximum == 16 << 10)
        #expect(try await channel.getOption(.maxMessagesPerRead).get() == 1)
        withExtendedLifetime(raw) {}
        await server.shutdown()
    }
}
