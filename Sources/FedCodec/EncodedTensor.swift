/// A parameter vector or model delta as it travels: a codec id, the number of values it decodes to,
/// and the encoded bytes. The codec id travels with the bytes from the first protocol version on, so
/// a compressed encoding needs no side channel.
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
}

/// The encodings FedWatt knows, by their one-byte wire id.
public enum CodecID: UInt8, Sendable, CaseIterable {
    /// Little-endian IEEE 754 float32, four bytes per value, no header.
    case float32 = 0
}

extension CodecID {
    /// The codec a SPEC string names (`none` is plain float32), or an error listing what this build supports.
    public init(spec: String) throws {
        switch spec.lowercased() {
        case "none", "float32": self = .float32
        default: throw CodecError.unknownSpec(spec, known: ["none"])
        }
    }

    /// The SPEC string for this codec.
    public var spec: String {
        switch self {
        case .float32: return "none"
        }
    }
}
