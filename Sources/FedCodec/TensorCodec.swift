import FedZlib

/// Encodes `[Float]` vectors through a ``CodecSpec`` pipeline and decodes them strictly.
///
/// Pipeline layout (codec id 1), little-endian:
/// ```
/// u8 format version (1) | u8 flags (bit 0 sparse, bit 1 zlib, bit 2 range coder) | u8 quantizer id |
///   quantizer params (int8: u32 block, u8 stochastic; int4/int2: u8 bits, u32 block, u8 stochastic;
///   qsgd: u8 levels) | [last stage: u32 body length] | body (deflated or range-coded when flagged)
/// body: [sparse: u32 k | u8 index mode | u32 index bytes | indices] | values section
/// ```
/// Decoding checks every declared size against what the value count allows before it inflates or
/// allocates anything, every index against the vector, every count against the header, and that
/// nothing is left over: a corrupt payload is an error, never a crash or a partial result.
public enum TensorCodec {
    /// Encodes `values` as plain float32 (the `none` pipeline).
    public static func encode(_ values: [Float]) -> EncodedTensor {
        var generator = SystemRandomNumberGenerator()
        return encode(values, spec: .none, generator: &generator).tensor
    }

    /// Encodes `values` through `spec`; `generator` drives stochastic rounding (QSGD, stochastic int8).
    public static func encode(
        _ values: [Float], spec: CodecSpec, generator: inout some RandomNumberGenerator
    ) -> (tensor: EncodedTensor, sizes: StageSizes) {
        let raw = values.count * 4
        guard !spec.isLossless || spec.lastStage != nil else {
            var writer = ByteWriter(capacity: raw)
            Quantizer.float32.encode(values, into: &writer, generator: &generator)
            let tensor = EncodedTensor(codec: .float32, valueCount: values.count, bytes: writer.bytes)
            return (tensor, StageSizes(raw: raw, sparsified: raw, quantized: raw, encoded: raw))
        }
        var body = ByteWriter(capacity: raw)
        var kept = values
        var sparsified = raw
        if let fraction = spec.topKFraction {
            let indices = TopK.select(values, k: TopK.keptCount(fraction: fraction, of: values.count))
            let (mode, indexBytes) = SparseIndexCoding.encode(indices, count: values.count)
            body.write(UInt32(indices.count))
            body.write(mode)
            body.write(UInt32(indexBytes.count))
            body.bytes.append(contentsOf: indexBytes)
            kept = indices.map { values[$0] }
            sparsified = body.bytes.count + 4 * kept.count
        }
        spec.quantizer.encode(kept, into: &body, generator: &generator)

        var header = ByteWriter(capacity: 16)
        header.write(UInt8(1))
        header.write(UInt8(spec.topKFraction != nil ? 1 : 0) | (spec.lastStage?.flag ?? 0))
        header.write(spec.quantizer.wireID)
        switch spec.quantizer {
        case .integer(let bits, let block, let stochastic):
            if bits != 8 { header.write(UInt8(bits)) }
            header.write(UInt32(block))
            header.write(UInt8(stochastic ? 1 : 0))
        case .qsgd(let levels):
            header.write(UInt8(levels))
        case .float32, .fp16, .sign:
            break
        }
        var bytes = header.bytes
        if let lastStage = spec.lastStage {
            header.write(UInt32(body.bytes.count))
            bytes = header.bytes
            bytes.append(contentsOf: lastStage.encode(body.bytes))
        } else {
            bytes.append(contentsOf: body.bytes)
        }
        let tensor = EncodedTensor(codec: .pipeline, valueCount: values.count, bytes: bytes)
        return (tensor, StageSizes(raw: raw, sparsified: sparsified, quantized: body.bytes.count, encoded: bytes.count))
    }

    /// Decodes `tensor`, which must hold exactly `expectedCount` values.
    public static func decode(_ tensor: EncodedTensor, expectedCount: Int) throws -> [Float] {
        try decodeWithSizes(tensor, expectedCount: expectedCount).values
    }

    /// Decodes `tensor` and reports its size after each stage, as the encoder saw them.
    public static func decodeWithSizes(_ tensor: EncodedTensor, expectedCount n: Int) throws -> (values: [Float], sizes: StageSizes) {
        guard tensor.valueCount == n else { throw CodecError.wrongValueCount(declared: tensor.valueCount, expected: n) }
        switch tensor.codec {
        case .float32:
            guard tensor.bytes.count == 4 * n else { throw CodecError.wrongByteCount(found: tensor.bytes.count, expected: 4 * n) }
            var reader = ByteReader(tensor.bytes)
            let values = try Quantizer.float32.decode(count: n, from: &reader)
            return (values, StageSizes(raw: 4 * n, sparsified: 4 * n, quantized: 4 * n, encoded: 4 * n))
        case .pipeline:
            return try decodePipeline(tensor.bytes, count: n)
        }
    }

    private static func decodePipeline(_ bytes: [UInt8], count n: Int) throws -> (values: [Float], sizes: StageSizes) {
        var header = ByteReader(bytes)
        guard try header.read(UInt8.self, "format version") == 1 else { throw CodecError.outOfRange("pipeline format version") }
        let flags = try header.read(UInt8.self, "flags")
        guard flags & ~7 == 0, flags & 6 != 6 else { throw CodecError.outOfRange("pipeline flags \(flags)") }
        let quantizer: Quantizer
        switch try header.read(UInt8.self, "quantizer") {
        case 0: quantizer = .float32
        case 1: quantizer = .fp16
        case let id where id == 2 || id == 5:
            let bits = id == 2 ? 8 : Int(try header.read(UInt8.self, "integer width"))
            guard id == 2 || bits == 4 || bits == 2 else { throw CodecError.outOfRange("integer width \(bits)") }
            let block = Int(try header.read(UInt32.self, "int\(bits) block"))
            let stochastic = try header.read(UInt8.self, "int\(bits) rounding")
            guard block <= 1 << 24, stochastic <= 1 else {
                throw CodecError.outOfRange("int\(bits) block \(block) or rounding \(stochastic)")
            }
            quantizer = .integer(bits: bits, block: block, stochastic: stochastic == 1)
        case 3:
            let levels = Int(try header.read(UInt8.self, "qsgd levels"))
            guard (1...127).contains(levels) else { throw CodecError.outOfRange("qsgd levels \(levels)") }
            quantizer = .qsgd(levels: levels)
        case 4: quantizer = .sign
        case let other: throw CodecError.outOfRange("quantizer id \(other)")
        }
        let sparse = flags & 1 != 0
        // No valid body is larger than this: dense float32 plus sparse headers and indices for every value.
        let largestBody = 16 + 4 * n + 5 * n + (n + 7) / 8 + quantizer.sectionSize(count: n)
        let body: [UInt8]
        if flags & 6 != 0 {
            let declared = Int(try header.read(UInt32.self, "body length"))
            guard declared <= largestBody else { throw CodecError.outOfRange("body of \(declared) bytes for \(n) values") }
            if flags & 4 != 0 {
                body = try AdaptiveByteCoding.decode(bytes[header.offset...], count: declared)
            } else {
                do {
                    body = try Zlib.decompress(bytes[header.offset...], maxOutputSize: declared, expectedSize: declared)
                } catch let error as ZlibError {
                    throw CodecError.corrupt("\(error)")
                }
            }
            guard body.count == declared else { throw CodecError.wrongByteCount(found: body.count, expected: declared) }
        } else {
            body = Array(bytes[header.offset...])
        }

        var reader = ByteReader(body)
        var values: [Float]
        var sparsified = 4 * n
        if sparse {
            let k = Int(try reader.read(UInt32.self, "kept count"))
            guard k <= n else { throw CodecError.outOfRange("\(k) kept values of \(n)") }
            let mode = try reader.read(UInt8.self, "index mode")
            let indexByteCount = Int(try reader.read(UInt32.self, "index bytes"))
            let indices = try SparseIndexCoding.decode(
                mode: mode, bytes: try reader.take(indexByteCount, "indices"), k: k, count: n)
            guard reader.remaining == quantizer.sectionSize(count: k) else {
                throw CodecError.wrongByteCount(found: reader.remaining, expected: quantizer.sectionSize(count: k))
            }
            let kept = try quantizer.decode(count: k, from: &reader)
            values = [Float](repeating: 0, count: n)
            for (index, value) in zip(indices, kept) { values[index] = value }
            sparsified = 9 + indexByteCount + 4 * k
        } else {
            guard reader.remaining == quantizer.sectionSize(count: n) else {
                throw CodecError.wrongByteCount(found: reader.remaining, expected: quantizer.sectionSize(count: n))
            }
            values = try quantizer.decode(count: n, from: &reader)
        }
        guard reader.remaining == 0 else { throw CodecError.trailingBytes(reader.remaining) }
        return (values, StageSizes(raw: 4 * n, sparsified: sparsified, quantized: body.count, encoded: bytes.count))
    }
}

/// Why an encoded tensor was refused.
public enum CodecError: Error, Equatable, CustomStringConvertible {
    /// The tensor declares a different number of values than the model has.
    case wrongValueCount(declared: Int, expected: Int)
    /// A section is not the size its header and value count imply.
    case wrongByteCount(found: Int, expected: Int)
    /// The bytes end inside the named field.
    case truncated(String)
    /// Bytes are left after the last field.
    case trailingBytes(Int)
    /// A declared count, index, id or scale is impossible.
    case outOfRange(String)
    /// The zlib stage did not inflate (corrupt, truncated, or larger than declared).
    case corrupt(String)
    /// The codec SPEC string is malformed; the second value says what to write instead.
    case invalidSpec(String, String)

    public var description: String {
        switch self {
        case .wrongValueCount(let declared, let expected):
            return "tensor declares \(declared) values; the model has \(expected)"
        case .wrongByteCount(let found, let expected):
            return "tensor section is \(found) bytes; its header and value count need \(expected)"
        case .truncated(let field):
            return "tensor ends inside its \(field)"
        case .trailingBytes(let count):
            return "\(count) bytes after the end of the tensor"
        case .outOfRange(let detail):
            return "tensor field out of range: \(detail)"
        case .corrupt(let detail):
            return "tensor does not inflate: \(detail)"
        case .invalidSpec(let spec, let why):
            return "invalid codec '\(spec)': \(why)"
        }
    }
}
