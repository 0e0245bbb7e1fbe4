import FedWire
import NIOCore
import NIOEmbedded
import Testing

@Suite struct ByteCountingHandlerTests {
    @Test func countsBytesReadAndWrittenAtTheSocketEnd() throws {
        let counter = ByteCounter()
        let channel = EmbeddedChannel(handler: ByteCountingHandler(counter: counter))
        try channel.writeInbound(ByteBuffer(bytes: [1, 2, 3]))
        try channel.writeInbound(ByteBuffer(bytes: [4, 5]))
        try channel.writeAndFlush(ByteBuffer(bytes: Array(repeating: 0, count: 100))).wait()
        #expect(counter.current == ByteCounts(read: 5, written: 100))
        #expect(counter.current - ByteCounts(read: 2, written: 40) == ByteCounts(read: 3, written: 60))
    }
}
