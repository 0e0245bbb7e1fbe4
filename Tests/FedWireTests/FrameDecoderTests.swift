import FedCodec
import FedWire
import NIOCore
import NIOEmbedded
import Testing

/// A channel with the framing and message handlers, and nothing above them.
func decodingChannel(maximumPayloadSize: Int = 1 << 20) throws -> EmbeddedChannel {
    let channel = EmbeddedChannel()
    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maximumPayloadSize: maximumPayloadSize)))
    try channel.pipeline.syncOperations.addHandler(MessageDecodingHandler())
    return channel
}

func header(type: UInt8 = 5, version: UInt8 = 1, flags: UInt16 = 0, length: UInt32) -> [UInt8] {
    Array("FWAT".utf8) + [version, type, UInt8(flags & 0xFF), UInt8(flags >> 8)]
        + [UInt8(length & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 24)]
}

func expectRefusal(_ bytes: [UInt8], code: ErrorCode, maximumPayloadSize: Int = 1 << 20) throws {
    let channel = try decodingChannel(maximumPayloadSize: maximumPayloadSize)
    #expect {
        try channel.writeInbound(ByteBuffer(bytes: bytes))
    } throws: { error in
        (error as? WireError)?.code == code
    }
}

@Suite struct FrameDecoderTests {
    static let tensor = EncodedTensor(codec: .float32, valueCount: 3, bytes: TensorCodec.encode([1, -2, 0.5]).bytes)
    static let messages: [Message] = [
        .challenge(Challenge(nonce: ClientAuthentication.makeNonce())),
        .register(Register(clientID: 7, device: "rpi4", link: "lte")),
        .register(Register(clientID: 8, device: "rpi4", link: "lte", proof: Array(repeating: 7, count: 32))),
        .welcome(Welcome(jobJSON: #"{"seed":1}"#)),
        .roundStart(RoundStart(round: 3, localEpochs: 2, deadlineMilliseconds: 60_000, learningRate: 0.05, models: [tensor])),
        .roundStart(RoundStart(
            round: 4, localEpochs: 1, deadlineMilliseconds: 1_000, learningRate: 0.05, modelVersion: 9, baseVersion: 8, models: [tensor, tensor])),
        .roundStart(RoundStart(round: 5, localEpochs: 5, deadlineMilliseconds: 1_000, learningRate: 0.05, stepLimit: 17, models: [tensor])),
        .update(Update(round: 3, sampleCount: 600, trainLoss: 0.25, flops: 1 << 40, cpuSeconds: 0.125, delta: tensor)),
        .ack(Ack(round: 3)),
        .error(ProtocolError(code: .wrongShape, text: "tensor declares 3 values")),
        .bye(Bye(reason: "job complete")),
    ]

    @Test(arguments: messages)
    func everyMessageRoundTripsThroughTheDecoder(message: Message) throws {
        let channel = try decodingChannel()
        try channel.writeInbound(message.encodedFrame())
        #expect(try channel.readInbound(as: Message.self) == message)
        #expect(try channel.finish().isClean)
    }

    @Test func decodesFramesSplitAcrossReadsAndBackToBack() throws {
        let channel = try decodingChannel()
        var bytes = ByteBuffer()
        for message in Self.messages { bytes.writeImmutableBuffer(message.encodedFrame()) }
        while bytes.readableBytes > 0 {
            try channel.writeInbound(bytes.readSlice(length: min(7, bytes.readableBytes))!)
        }
        for message in Self.messages { #expect(try channel.readInbound(as: Message.self) == message) }
    }

    @Test func frameOverheadIsSixteenBytes() {
        #expect(Message.ack(Ack(round: 1)).encodedFrame().readableBytes == 16 + 4)
    }

    @Test func rejectsBadMagicFromTheFirstBytes() throws {
        try expectRefusal(Array("GET / HTTP/1.1\r\n".utf8), code: .badMagic)
        try expectRefusal([0x46, 0x57, 0x00], code: .badMagic)  // refused before a whole header arrives
    }

    @Test func rejectsUnknownVersionTypeAndFlags() throws {
        try expectRefusal(header(version: 2, length: 0), code: .unsupportedVersion)
        try expectRefusal(header(type: 42, length: 0), code: .unknownMessageType)
        try expectRefusal(header(flags: 1, length: 0), code: .unsupportedFlags)
    }

    @Test func rejectsOversizedLengthFromTheHeaderAlone() throws {
        // Only the 12 header bytes are sent: the length is refused before any payload is buffered.
        try expectRefusal(header(length: 1_000_001), code: .frameTooLarge, maximumPayloadSize: 1_000_000)
        try expectRefusal(header(length: UInt32.max), code: .frameTooLarge)
    }

    @Test func acceptsLengthExactlyAtTheMaximum() throws {
        let frame = Message.welcome(Welcome(jobJSON: String(repeating: "x", count: 100))).encodedFrame()
        let channel = try decodingChannel(maximumPayloadSize: 100)
        try channel.writeInbound(frame)
        #expect(try channel.readInbound(as: Message.self) != nil)
    }

    @Test func rejectsChecksumMismatch() throws {
        var bytes = Array(buffer: Message.ack(Ack(round: 9)).encodedFrame())
        bytes[13] ^= 0x01  // a payload byte
        try expectRefusal(bytes, code: .checksumMismatch)
    }

    @Test func rejectsPayloadTooShortForItsType() throws {
        let frame = Frame(type: .update, payload: ByteBuffer(bytes: [1, 0, 0, 0])).encoded()
        try expectRefusal(Array(buffer: frame), code: .malformedPayload)
    }

    @Test func rejectsBytesAfterTheMessage() throws {
        var payload = ByteBuffer()
        payload.writeInteger(UInt32(4), endianness: .little)
        payload.writeInteger(UInt8(0))
        try expectRefusal(Array(buffer: Frame(type: .ack, payload: payload).encoded()), code: .malformedPayload)
    }

    @Test func rejectsTensorDeclaringMoreBytesThanThePayloadHolds() throws {
        var payload = ByteBuffer()
        payload.writeInteger(UInt32(1), endianness: .little)  // round
        payload.writeInteger(UInt32(1), endianness: .little)  // local epochs
        payload.writeInteger(UInt32(1), endianness: .little)  // deadline
        payload.writeInteger(Float(0.1).bitPattern, endianness: .little)
        payload.writeInteger(UInt32(1), endianness: .little)  // model version
        payload.writeInteger(UInt32(0), endianness: .little)  // base version
        payload.writeInteger(UInt32(0), endianness: .little)  // step limit
        payload.writeInteger(UInt16(1), endianness: .little)  // tensor count
        payload.writeInteger(UInt8(0))  // codec
        payload.writeInteger(UInt32(1_000_000), endianness: .little)  // values
        payload.writeInteger(UInt32(4_000_000), endianness: .little)  // bytes, but none follow
        try expectRefusal(Array(buffer: Frame(type: .roundStart, payload: payload).encoded()), code: .malformedPayload)
    }

    @Test func rejectsUnknownCodecID() throws {
        var bytes = Array(buffer: Message.roundStart(RoundStart(
            round: 1, localEpochs: 1, deadlineMilliseconds: 1, learningRate: 0.1, models: [Self.tensor])).encodedFrame())
        bytes[12 + 30] = 200  // the codec byte, after round, epochs, deadline, rate, the two versions, the step limit and the count
        let payload = ByteBuffer(bytes: bytes[12..<(bytes.count - 4)])
        try expectRefusal(Array(buffer: Frame(type: .roundStart, payload: payload).encoded()), code: .badEncoding)
    }

    @Test(arguments: [0, RoundStart.maximumChain + 1])
    func rejectsARoundStartChainOfNoTensorsOrTooMany(count: Int) throws {
        var bytes = Array(buffer: Message.roundStart(RoundStart(
            round: 1, localEpochs: 1, deadlineMilliseconds: 1, learningRate: 0.1, models: [Self.tensor])).encodedFrame())
        bytes[12 + 28] = UInt8(count & 0xFF)  // the tensor count, after the seven fixed fields
        bytes[12 + 29] = UInt8(count >> 8)
        let payload = ByteBuffer(bytes: bytes[12..<(bytes.count - 4)])
        try expectRefusal(Array(buffer: Frame(type: .roundStart, payload: payload).encoded()), code: .malformedPayload)
    }

    /// An Update's frame size, as the device clock reads it without encoding the frame, is its frame's length.
    @Test func anUpdatesFrameBytesAreItsEncodedFramesLength() {
        for message in Self.messages {
            guard case .update(let update) = message else { continue }
            #expect(update.frameBytes == message.encodedFrame().readableBytes)
        }
        let large = Update(round: 9, sampleCount: 1, trainLoss: 0, flops: 1, cpuSeconds: 0, delta: TensorCodec.encode([Float](repeating: 0.5, count: 1000)))
        #expect(large.frameBytes == Message.update(large).encodedFrame().readableBytes)
    }

    @Test func rejectsInvalidUTF8() throws {
        let payload = ByteBuffer(bytes: [0xFF, 0xFE])
        try expectRefusal(Array(buffer: Frame(type: .bye, payload: payload).encoded()), code: .malformedPayload)
    }
}
