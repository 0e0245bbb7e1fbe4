import FedZlib
import NIOCore

/// Cuts the inbound byte stream into ``Frame``s, refusing anything malformed as early as it can:
/// the header is checked (magic, version, type, flags, and the length against `maximumPayloadSize`)
/// as soon as its 12 bytes are in, before a byte of payload is buffered. With a ``FrameReadGate``,
/// each frame asks the ``InboundBudget`` for its room as soon as its header is valid. The maximum
/// is the connection's current one: a stranger's until the peer is admitted (``StrangerLimits``).
public struct FrameDecoder: ByteToMessageDecoder {
    public typealias InboundOut = Frame

    private let limits: FrameLimits
    private let gate: FrameReadGate?
    /// Whether the gate has been told of the frame whose header is at the reader index.
    private var announced = false

    /// Creates a decoder that refuses payloads over `maximumPayloadSize` bytes.
    public init(maximumPayloadSize: Int) {
        self.init(limits: FrameLimits(maximumPayloadSize: maximumPayloadSize, budget: nil), gate: nil)
    }

    init(limits: FrameLimits, gate: FrameReadGate?) {
        self.limits = limits
        self.gate = gate
    }

    /// The largest payload accepted now.
    public var maximumPayloadSize: Int { limits.maximumPayloadSize }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let (type, flags, length) = try Self.parseHeader(buffer, maximumPayloadSize: limits.maximumPayloadSize) else {
            return .needMoreData
        }
        let total = Frame.headerSize + length + Frame.trailerSize
        if !announced {
            announced = true
            gate?.frameStarted(bytes: total)
        }
        guard buffer.readableBytes >= total else {
            reserveRoom(for: total, in: &buffer)
            return .needMoreData
        }
        announced = false
        gate?.frameCompleted(bytes: total)
        buffer.moveReaderIndex(forwardBy: Frame.headerSize)
        let payload = buffer.readSlice(length: length)!
        let checksum = buffer.readInteger(endianness: .little, as: UInt32.self)!
        let computed = payload.withUnsafeReadableBytes { CRC32.checksum($0) }
        guard computed == checksum else {
            throw WireError(.checksumMismatch, "payload CRC-32 is \(hex(computed)), the frame says \(hex(checksum))")
        }
        context.fireChannelRead(wrapInboundOut(Frame(type: type, flags: flags, payload: payload)))
        return .continue
    }

    /// The most room taken at once for a frame still arriving. Up to it, a frame's reads are copied
    /// once into room of its size, where NIO would grow the buffer by doubling and copy it each time
    /// (a model of 400 KB in 16 KiB reads: five times).
    public static let largestReservation = 1 << 20

    /// Makes room in `buffer` for the frame of `total` bytes, up to ``largestReservation``, once the
    /// gate holds that room (its budget granted it, or no budget bounds the connection).
    private func reserveRoom(for total: Int, in buffer: inout ByteBuffer) {
        guard gate?.holdsFrameRoom ?? true else { return }
        let room = min(total, Self.largestReservation)
        if buffer.readableBytes < room { buffer.reserveCapacity(minimumWritableBytes: room - buffer.readableBytes) }
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    /// Validates the header at the reader index without consuming it; nil until 12 bytes are there.
    static func parseHeader(_ buffer: ByteBuffer, maximumPayloadSize: Int) throws -> (MessageType, UInt16, Int)? {
        guard let header = buffer.getBytes(at: buffer.readerIndex, length: Frame.headerSize) else {
            // Even a partial header must start with the magic: refuse garbage without waiting for more.
            let prefix = buffer.readableBytesView.prefix(Frame.magic.count)
            guard Frame.magic.starts(with: prefix) else {
                throw WireError(.badMagic, "stream starts with \(prefix.map(hex)) instead of FWAT")
            }
            return nil
        }
        guard Array(header[0..<4]) == Frame.magic else {
            throw WireError(.badMagic, "frame starts with \(header[0..<4].map(hex)) instead of FWAT")
        }
        guard header[4] == Frame.protocolVersion else {
            throw WireError(.unsupportedVersion, "protocol version \(header[4]); this build speaks \(Frame.protocolVersion)")
        }
        guard let type = MessageType(rawValue: header[5]) else {
            throw WireError(.unknownMessageType, "message type \(header[5])")
        }
        let flags = UInt16(header[6]) | UInt16(header[7]) << 8
        guard flags == 0 else { throw WireError(.unsupportedFlags, "flags \(hex(flags)) in protocol version 1") }
        let length = Int(header[8]) | Int(header[9]) << 8 | Int(header[10]) << 16 | Int(header[11]) << 24
        guard length <= maximumPayloadSize else {
            throw WireError(.frameTooLarge, "payload of \(length) bytes exceeds the maximum of \(maximumPayloadSize)")
        }
        return (type, flags, length)
    }
}

func hex(_ value: some FixedWidthInteger) -> String {
    "0x" + String(value, radix: 16)
}
