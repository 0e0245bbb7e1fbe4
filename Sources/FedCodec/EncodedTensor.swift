#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A parameter vector or model delta as it travels: a codec id, the number of values it decodes to,
/// and the encoded bytes. The codec id travels with the bytes, and a pipeline's bytes start with a
/// header naming its stages, so the decoder needs no side channel.
public struct EncodedTensor: Sendable, Equatable {
    /// How `bytes` are encoded.
    public var codec: CodecID
    /// How many `Float` values `bytes` decode to.
    public var valueCount: Int
    /// The encoded values.
    public var bytes: [UInt8]

    /// Creates an encoded tensor from its parts (as read off the wire; nothing is checked yet).
    public init(codec: CodecID, valueCount: Int, bytes: [UInt8]) {
        self.codec = codec
        self.valueCount = valueCount
        self.bytes = bytes
    }

    /// Equal codec, count and bytes. The bytes are compared with `memcmp`: the derived comparison
    /// went byte by byte, and each client of a load process compares the round's 400 KB model.
    public static func == (lhs: EncodedTensor, rhs: EncodedTensor) -> Bool {
        guard lhs.codec == rhs.codec, lhs.valueCount == rhs.valueCount, lhs.bytes.count == rhs.bytes.count else { return false }
        return lhs.bytes.withUnsafeBytes { left in
            rhs.bytes.withUnsafeBytes { right in left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0 }
        }
    }
}

/// The encodings FedWatt knows, by their one-byte wire id.
public enum CodecID: UInt8, Sendable, CaseIterable {
    /// Little-endian IEEE 754 float32, four bytes per value, no header (the `none` pipeline).
    case float32 = 0
    /// A ``CodecSpec`` pipeline: a header naming the stages, then the body (docs/PROTOCOL.md).
    case pipeline = 1
}
