// libFuzzer entry point over every decoder that reads bytes from a peer or a disk:
// a connection's whole inbound pipeline (framing, message decoding, the inbound budget), the tensor
// codecs, and checkpoints. Anything may be refused with an error; nothing may crash, hang, return a
// vector of the wrong length, or keep room in the budget once the connection is gone.
import FedCodec
import FedCoordinator
import FedWire
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecoders(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))

    // 1. A byte stream into a connection's pipeline, in three reads, sharing a small budget with
    //    room held by another frame, so frames both fit and wait.
    do {
        let budget = InboundBudget(limit: 4096, frameTimeout: .seconds(5))
        let events = NIOLockedValueBox<[ConnectionEvent]>([])
        let other = EmbeddedChannel()
        let channel = EmbeddedChannel()
        for peer in [other, channel] {
            try! peer.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7000)).wait()  // active, as a peer's socket is
            try! configureFedWirePipeline(channel: peer, counter: ByteCounter(), maximumPayloadSize: 1 << 16, budget: budget) { event in
                events.withLockedValue { $0.append(event) }
            }
        }
        // The other connection announces a 2 KB frame and holds its room.
        _ = try? other.writeInbound(ByteBuffer(bytes: Array("FWAT".utf8) + [1, 7, 0, 0, 0, 8, 0, 0]))
        let thirds = [bytes.count / 3, 2 * bytes.count / 3]
        for range in [0..<thirds[0], thirds[0]..<thirds[1], thirds[1]..<bytes.count] where channel.isActive {
            _ = try? channel.writeInbound(ByteBuffer(bytes: bytes[range]))
            channel.read()
            channel.embeddedEventLoop.run()
        }
        _ = try? channel.finish()
        _ = try? other.finish()
        events.withLockedValue { $0.removeAll() }
        precondition(budget.heldBytes == 0 && budget.waitingRequests == 0, "the budget kept room after the connections closed")
    }

    // 2. A tensor: byte 0 picks the codec, bytes 1-2 the value count, the rest is the payload.
    if bytes.count >= 3 {
        let values = Int(bytes[1]) | Int(bytes[2]) << 8
        let tensor = EncodedTensor(codec: bytes[0] & 1 == 0 ? .float32 : .pipeline, valueCount: values, bytes: Array(bytes[3...]))
        if let decoded = try? TensorCodec.decode(tensor, expectedCount: values) {
            precondition(decoded.count == values, "a decoder returned \(decoded.count) values for \(values)")
        }
    }

    // 3. A checkpoint file.
    _ = try? Checkpoint(bytes: bytes)
    return 0
}
