/// Encodes `[Float]` vectors for the wire and decodes them strictly.
///
/// Decoding checks the declared value count against the count the caller expects and the byte
/// count against what the codec must produce before touching the values, so a malformed or hostile
/// payload is an error, never a crash or a partial result.
public enum TensorCodec {
    /// Encodes `values` with `codec`.
    public static func encode(_ values: [Float], codec: CodecID = .float32) -> EncodedTensor {
        switch codec {
        case .float32:
            var bytes = [UInt8](repeating: 0, count: values.count * 4)
            bytes.withUnsafeMutableBytes { target in
                values.withUnsafeBytes { source in target.copyMemory(from: source) }
            }
            #if _endian(big)
            for i in stride(from: 0, to: bytes.count, by: 4) { bytes[i..<(i + 4)].reverse() }
            #endif
            return EncodedTensor(codec: codec, valueCount: values.count, bytes: bytes)
        }
    }

    /// Decodes `tensor`, which must hold exactly `expectedCount` values.
    public static func decode(_ tensor: EncodedTensor, expectedCount: Int) throws -> [Float] {
        guard tensor.valueCount == expectedCount else {
            throw CodecError.wrongValueCount(declared: tensor.valueCount, expected: expectedCount)
        }
        switch tensor.codec {
        case .float32:
            guard tensor.bytes.count == expectedCount * 4 else {
                throw CodecError.wrongByteCount(found: tensor.bytes.count, expected: expectedCount * 4)
            }
            var values = [Float](repeating: 0, count: expectedCount)
            values.withUnsafeMutableBytes { target in
                tensor.bytes.withUnsafeBytes { source in target.copyMemory(from: source) }
            }
            #if _endian(big)
            values = values.map { Float(bitPattern: $0.bitPattern.byteSwapped) }
            #endif
            return values
        }
    }
}

/// Why an encoded tensor was refused.
public enum CodecError: Error, Equatable, CustomStringConvertible {
    /// The tensor declares a different number of values than the model has.
    case wrongValueCount(declared: Int, expected: Int)
    /// The payload is not the size its codec and value count imply.
    case wrongByteCount(found: Int, expected: Int)
    /// The codec id is not one this build knows.
    case unknownCodec(UInt8)
    /// The codec SPEC string names no pipeline this build supports.
    case unknownSpec(String, known: [String])

    public var description: String {
        switch self {
        case .wrongValueCount(let declared, let expected):
            return "tensor declares \(declared) values; the model has \(expected)"
        case .wrongByteCount(let found, let expected):
            return "tensor payload is \(found) bytes; its codec and value count need \(expected)"
        case .unknownCodec(let id):
            return "unknown codec id \(id)"
        case .unknownSpec(let spec, let known):
            return "unknown codec '\(spec)'; this build supports: \(known.joined(separator: ", "))"
        }
    }
}
