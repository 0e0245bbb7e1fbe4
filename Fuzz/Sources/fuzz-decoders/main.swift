// libFuzzer entry point over every decoder that reads bytes from a peer or a disk:
// the frame decoder and message decoding (as a connection sees them), the tensor codecs, and
// checkpoints. Anything may be refused with an error; nothing may crash, hang or return a
// vector of the wrong length.
import FedCodec
import FedCoordinator
import FedWire
import NIOCore
import NIOEmbedded

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDecoders(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Array(UnsafeRawBufferPointer(start: start, count: count))

    // 1. A byte stream into a connection's decoding handlers.
    let channel = EmbeddedChannel()
    try! channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maximumPayloadSize: 1 << 16)))
    try! channel.pipeline.syncOperations.addHandler(MessageDecodingHandler())
    _ = try? channel.writeInbound(ByteBuffer(bytes: bytes))
    while (try? channel.readInbound(as: Message.self)) != nil {}
    _ = try? channel.finish()

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
