/// Writing and reading the values section of an encoded tensor for each ``Quantizer``.
extension Quantizer {
    /// Appends `values` quantized to `writer`; `generator` drives stochastic rounding.
    func encode(_ values: [Float], into writer: inout ByteWriter, generator: inout some RandomNumberGenerator) {
        switch self {
        case .float32:
            writer.writeFloats(values)
        case .fp16:
            for value in values { writer.write(Float16(min(max(value, -65_504), 65_504)).bitPattern) }
        case .int8(let block, let stochastic):
            let size = Self.int8BlockLength(block, count: values.count)
            let blocks = stride(from: 0, to: values.count, by: size).map { $0..<min($0 + size, values.count) }
            let scales = blocks.map { range in values[range].reduce(Float(0)) { max($0, $1.magnitude) } / 127 }
            for scale in scales { writer.write(scale) }
            for (range, scale) in zip(blocks, scales) {
                let inverse = scale > 0 ? 1 / scale : 0
                for value in values[range] {
                    let exact = value * inverse
                    let rounded = stochastic ? Self.stochasticRound(exact, &generator) : exact.rounded()
                    writer.write(Int8(clamping: Int(max(-127, min(127, rounded)))))
                }
            }
        case .qsgd(let levels):
            let norm = values.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
            writer.write(norm)
            let scale = norm > 0 ? Float(levels) / norm : 0
            for value in values {
                let level = min(Float(levels), Self.stochasticRound(value.magnitude * scale, &generator))
                writer.write(Int8(value < 0 ? -level : level))
            }
        case .sign:
            let scale = values.isEmpty ? 0 : values.reduce(Float(0)) { $0 + $1.magnitude } / Float(values.count)
            writer.write(scale)
            var byte: UInt8 = 0
            for (i, value) in values.enumerated() {
                if value >= 0 { byte |= 1 << UInt8(i & 7) }
                if i & 7 == 7 {
                    writer.write(byte)
                    byte = 0
                }
            }
            if values.count & 7 != 0 { writer.write(byte) }
        }
    }

    /// Reads `count` values, checking every size and scale.
    func decode(count: Int, from reader: inout ByteReader) throws -> [Float] {
        var values = [Float]()
        values.reserveCapacity(count)
        switch self {
        case .float32:
            values = try reader.readFloats(count, "float32 values")
        case .fp16:
            for _ in 0..<count { values.append(Float(Float16(bitPattern: try reader.read(UInt16.self, "fp16 value")))) }
        case .int8(let block, _):
            let size = Self.int8BlockLength(block, count: count)
            let blockCount = (count + size - 1) / size
            guard reader.remaining >= blockCount * 4 + count else { throw CodecError.truncated("int8 scales and values") }
            let scales = try (0..<blockCount).map { _ in try Self.checkedScale(reader.readFloat("int8 scale")) }
            for i in 0..<count {
                let quantized = Int8(bitPattern: try reader.read(UInt8.self, "int8 value"))
                guard quantized != -128 else { throw CodecError.outOfRange("int8 value -128 is never written") }
                values.append(Float(quantized) * scales[i / size])
            }
        case .qsgd(let levels):
            let norm = try Self.checkedScale(reader.readFloat("qsgd norm"))
            guard reader.remaining >= count else { throw CodecError.truncated("qsgd levels") }
            for _ in 0..<count {
                let level = Int8(bitPattern: try reader.read(UInt8.self, "qsgd level"))
                guard abs(Int(level)) <= levels else { throw CodecError.outOfRange("qsgd level \(level) beyond \(levels)") }
                values.append(norm * Float(level) / Float(levels))
            }
        case .sign:
            let scale = try Self.checkedScale(reader.readFloat("sign scale"))
            let bits = try reader.take((count + 7) / 8, "sign bits")
            for i in 0..<count {
                values.append(bits[bits.startIndex + i >> 3] & (1 << UInt8(i & 7)) != 0 ? scale : -scale)
            }
        }
        return values
    }

    /// Values per int8 scale: `block`, or all `count` values in one block when `block` is 0.
    static func int8BlockLength(_ block: Int, count: Int) -> Int { block == 0 ? max(count, 1) : block }

    /// Bytes the values section takes for `count` values (what ``encode(_:into:generator:)`` writes).
    func sectionSize(count: Int) -> Int {
        switch self {
        case .float32: return 4 * count
        case .fp16: return 2 * count
        case .int8(let block, _):
            let size = Self.int8BlockLength(block, count: count)
            return 4 * ((count + size - 1) / size) + count
        case .qsgd: return 4 + count
        case .sign: return 4 + (count + 7) / 8
        }
    }

    private static func checkedScale(_ scale: Float) throws -> Float {
        guard scale.isFinite, scale >= 0 else { throw CodecError.outOfRange("scale \(scale) is not a finite non-negative number") }
        return scale
    }

    /// `floor(x)` or `floor(x) + 1`, the latter with probability `x - floor(x)`: unbiased.
    static func stochasticRound(_ x: Float, _ generator: inout some RandomNumberGenerator) -> Float {
        let low = x.rounded(.down)
        let uniform = Float(generator.next() >> 40) * 0x1p-24  // 24 random bits in [0, 1)
        return uniform < x - low ? low + 1 : low
    }
}
