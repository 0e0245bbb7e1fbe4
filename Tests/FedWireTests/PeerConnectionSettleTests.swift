import FedWire
import NIOCore
import NIOEmbedded
import Testing

/// `settle(_:within:)`: the peer's grace starts when the connection's event loop reaches the call; a
/// write done within it settles the connection, and one still not done at its end closes it.
@Suite struct PeerConnectionSettleTests {
    @Test func aWriteDoneWithinTheGraceSettlesAndOneNotDoneClosesTheConnection() throws {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7000)).wait()
        let loop = channel.embeddedEventLoop
        let connection = PeerConnection(channel: channel, counter: ByteCounter())
        let done = loop.makePromise(of: Void.self)
        let settled = connection.settle(done.futureResult, within: .seconds(1))
        loop.advanceTime(by: .milliseconds(999))
        done.succeed()
        #expect(try settled.wait())
        #expect(channel.isActive)
        let never = loop.makePromise(of: Void.self)
        let expired = connection.settle(never.futureResult, within: .seconds(1))
        loop.advanceTime(by: .milliseconds(999))
        #expect(channel.isActive)
        loop.advanceTime(by: .milliseconds(1))
        #expect(try expired.wait() == false)
        #expect(!channel.isActive)
        never.succeed()
    }
}
