import FedCodec
import FedZlib
import NIOCore

/// Payload layouts (all integers little-endian; strings are a UInt16 byte count and UTF-8;
/// a tensor is codec UInt8, value count UInt32, byte count UInt32, bytes):
///
/// - Challenge: nonce (UInt16 byte count, bytes)
/// - Register: client id UInt32, device string, link string, proof (UInt16 byte count, bytes)
/// - Welcome: job JSON (the rest of the payload, UTF-8)
/// - RoundStart: round UInt32, local epochs UInt32, deadline ms UInt32, learning rate Float32,
///   model version UInt32, base version UInt32, step limit UInt32, tensor count UInt16 (1 to 1024),
///   that many model tensors
/// - Update: round UInt32, samples UInt32, train loss Float64, FLOPs UInt64, CPU-seconds Float64,
///   encode seconds Float64, delta tensor
/// - Evaluation: round UInt32, examples UInt32, loss Float64, accuracy Float64
/// - Ack: round UInt32
/// - Error: code UInt16, text (the rest of the payload, UTF-8)
/// - Bye: reason (the rest of the payload, UTF-8)
extension Message {
    /// Encodes the message as a complete frame (header, payload, CRC-32), ready to write to a socket.
    /// The payload is written in place, behind room for the header: a model is copied into the
    /// frame once.
    public func encodedFrame(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var frame = allocator.buffer(capacity: Frame.headerSize + estimatedPayloadSize + Frame.trailerSize)
        frame.writeRepeatingByte(0, count: Frame.headerSize)
        writePayload(into: &frame)
        Frame.seal(&frame, type: type, flags: 0)
        return frame
    }

    /// Decodes a frame's payload; throws ``WireError`` with `malformedPayload` or `badEncoding`
    /// if it is not exactly one well-formed message of the frame's type.
    public init(frame: Frame) throws {
        var payload = frame.payload
        switch frame.type {
        case .challenge:
            self = .challenge(Challenge(nonce: try payload.readWireBytes("nonce")))
        case .register:
            self = .register(Register(
                clientID: try payload.readWire(UInt32.self, "client id"),
                device: try payload.readWireString("device"), link: try payload.readWireString("link"),
                proof: try payload.readWireBytes("proof")))
        case .welcome:
            self = .welcome(Welcome(jobJSON: try payload.readWireRest("job")))
        case .roundStart:
            self = .roundStart(RoundStart(
                round: try payload.readWire(UInt32.self, "round"),
                localEpochs: try payload.readWire(UInt32.self, "local epochs"),
                deadlineMilliseconds: try payload.readWire(UInt32.self, "deadline"),
                learningRate: Float(bitPattern: try payload.readWire(UInt32.self, "learning rate")),
                modelVersion: try payload.readWire(UInt32.self, "model version"),
                baseVersion: try payload.readWire(UInt32.self, "base version"),
                stepLimit: try payload.readWire(UInt32.self, "step limit"),
                models: try payload.readWireChain()))
        case .update:
            self = .update(Update(
                round: try payload.readWire(UInt32.self, "round"),
                sampleCount: try payload.readWire(UInt32.self, "sample count"),
                trainLoss: Double(bitPattern: try payload.readWire(UInt64.self, "train loss")),
                flops: try payload.readWire(UInt64.self, "FLOPs"),
                cpuSeconds: Double(bitPattern: try payload.readWire(UInt64.self, "CPU-seconds")),
                encodeSeconds: Double(bitPattern: try payload.readWire(UInt64.self, "encode seconds")),
                delta: try payload.readWireTensor()))
        case .evaluation:
            self = .evaluation(EvaluationReport(
                round: try payload.readWire(UInt32.self, "round"),
                examples: try payload.readWire(UInt32.self, "examples"),
                loss: Double(bitPattern: try payload.readWire(UInt64.self, "loss")),
                accuracy: Double(bitPattern: try payload.readWire(UInt64.self, "accuracy"))))
        case .ack:
            self = .ack(Ack(round: try payload.readWire(UInt32.self, "round")))
        case .error:
            let raw = try payload.readWire(UInt16.self, "error code")
            let text = try payload.readWireRest("error text")
            self = .error(ProtocolError(code: ErrorCode(rawValue: raw) ?? .internalError, text: text))
        case .bye:
            self = .bye(Bye(reason: try payload.readWireRest("reason")))
        }
        guard payload.readableBytes == 0 else {
            throw WireError(.malformedPayload, "\(payload.readableBytes) bytes after the end of a \(frame.type) message")
        }
    }

    private var estimatedPayloadSize: Int {
        switch self {
        case .roundStart(let start): return 30 + start.models.reduce(0) { $0 + 9 + $1.bytes.count }
        case .update(let update): return update.payloadBytes
        case .welcome(let welcome): return welcome.jobJSON.utf8.count
        default: return 64
        }
    }

    private func writePayload(into buffer: inout ByteBuffer) {
        switch self {
        case .challenge(let challenge):
            buffer.writeWireBytes(challenge.nonce)
        case .register(let register):
            buffer.writeInteger(register.clientID, endianness: .little)
            buffer.writeWireString(register.device)
            buffer.writeWireString(register.link)
            buffer.writeWireBytes(register.proof)
        case .welcome(let welcome):
            buffer.writeString(welcome.jobJSON)
        case .roundStart(let start):
            buffer.writeInteger(start.round, endianness: .little)
            buffer.writeInteger(start.localEpochs, endianness: .little)
            buffer.writeInteger(start.deadlineMilliseconds, endianness: .little)
            buffer.writeInteger(start.learningRate.bitPattern, endianness: .little)
            buffer.writeInteger(start.modelVersion, endianness: .little)
            buffer.writeInteger(start.baseVersion, endianness: .little)
            buffer.writeInteger(start.stepLimit, endianness: .little)
            buffer.writeInteger(UInt16(start.models.count), endianness: .little)
            start.models.forEach { buffer.writeWireTensor($0) }
        case .update(let update):
            buffer.writeInteger(update.round, endianness: .little)
            buffer.writeInteger(update.sampleCount, endianness: .little)
            buffer.writeInteger(update.trainLoss.bitPattern, endianness: .little)
            buffer.writeInteger(update.flops, endianness: .little)
            buffer.writeInteger(update.cpuSeconds.bitPattern, endianness: .little)
            buffer.writeInteger(update.encodeSeconds.bitPattern, endianness: .little)
            buffer.writeWireTensor(update.delta)
        case .evaluation(let evaluation):
            buffer.writeInteger(evaluation.round, endianness: .little)
            buffer.writeInteger(evaluation.examples, endianness: .little)
            buffer.writeInteger(evaluation.loss.bitPattern, endianness: .little)
            buffer.writeInteger(evaluation.accuracy.bitPattern, endianness: .little)
        case .ack(let ack):
            buffer.writeInteger(ack.round, endianness: .little)
        case .error(let error):
            buffer.writeInteger(error.code.rawValue, endianness: .little)
            buffer.writeString(error.text)
        case .bye(let bye):
            buffer.writeString(bye.reason)
        }
    }
}

extension Frame {
    /// The frame's bytes: header, payload, CRC-32.
    public func encoded(allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var frame = allocator.buffer(capacity: Frame.headerSize + payload.readableBytes + Frame.trailerSize)
        frame.writeRepeatingByte(0, count: Frame.headerSize)
        frame.writeImmutableBuffer(payload)
        Frame.seal(&frame, type: type, flags: flags)
        return frame
    }

    /// Completes a frame whose readable bytes are room for the header, then the payload: fills in
    /// the header and appends the payload's CRC-32.
    static func seal(_ frame: inout ByteBuffer, type: MessageType, flags: UInt16) {
        let start = frame.readerIndex
        let length = frame.readableBytes - headerSize
        frame.setBytes(magic, at: start)
        frame.setInteger(protocolVersion, at: start + 4)
        frame.setInteger(type.rawValue, at: start + 5)
        frame.setInteger(flags, at: start + 6, endianness: .little)
        frame.setInteger(UInt32(length), at: start + 8, endianness: .little)
        let checksum = frame.withUnsafeReadableBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[headerSize...])) }
        frame.writeInteger(checksum, endianness: .little)
    }
}

extension ByteBuffer {
    mutating func readWire<T: FixedWidthInteger>(_ type: T.Type, _ field: String) throws -> T {
        guard let value = readInteger(endianness: .little, as: T.self) else {
            throw WireError(.malformedPayload, "payload ends before its \(field)")
        }
        return value
    }

    mutating func readWireString(_ field: String) throws -> String {
        try Self.utf8(readWireBytes(field), field)
    }

    mutating func readWireBytes(_ field: String) throws -> [UInt8] {
        let length = Int(try readWire(UInt16.self, "\(field) length"))
        guard let bytes = readBytes(length: length) else {
            throw WireError(.malformedPayload, "\(field) declares \(length) bytes; \(readableBytes) remain")
        }
        return bytes
    }

    mutating func readWireRest(_ field: String) throws -> String {
        try Self.utf8(readBytes(length: readableBytes) ?? [], field)
    }

    private static func utf8(_ bytes: [UInt8], _ field: String) throws -> String {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw WireError(.malformedPayload, "\(field) is not valid UTF-8")
        }
        return text
    }

    /// A RoundStart's chain: a UInt16 count, 1 to ``RoundStart/maximumChain``, then the tensors.
    mutating func readWireChain() throws -> [EncodedTensor] {
        let count = Int(try readWire(UInt16.self, "tensor count"))
        guard (1...RoundStart.maximumChain).contains(count) else {
            throw WireError(.malformedPayload, "a RoundStart with \(count) model tensors (1 to \(RoundStart.maximumChain))")
        }
        return try (0..<count).map { _ in try readWireTensor() }
    }

    mutating func readWireTensor() throws -> EncodedTensor {
        let rawCodec = try readWire(UInt8.self, "codec")
        guard let codec = CodecID(rawValue: rawCodec) else { throw WireError(.badEncoding, "unknown codec id \(rawCodec)") }
        let valueCount = Int(try readWire(UInt32.self, "value count"))
        let byteCount = Int(try readWire(UInt32.self, "byte count"))
        guard let bytes = readBytes(length: byteCount) else {
            throw WireError(.malformedPayload, "tensor declares \(byteCount) bytes; \(readableBytes) remain")
        }
        return EncodedTensor(codec: codec, valueCount: valueCount, bytes: bytes)
    }

    mutating func writeWireString(_ text: String) {
        writeWireBytes(Array(text.utf8))
    }

    mutating func writeWireBytes(_ bytes: [UInt8]) {
        let kept = bytes.prefix(Int(UInt16.max))
        writeInteger(UInt16(kept.count), endianness: .little)
        writeBytes(kept)
    }

    mutating func writeWireTensor(_ tensor: EncodedTensor) {
        writeInteger(tensor.codec.rawValue)
        writeInteger(UInt32(tensor.valueCount), endianness: .little)
        writeInteger(UInt32(tensor.bytes.count), endianness: .little)
        writeBytes(tensor.bytes)
    }
}
