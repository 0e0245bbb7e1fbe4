/// Writing and reading the values section of an encoded tensor for each ``Quantizer``.
extension Quantizer {
    /// Appends `values` quantized to `writer`; `generator` drives stochastic rounding.
    func encode(_ values: [Float], into writer: inout ByteWriter, generator: inout some RandomNumberGenerator) {
        switch self {
        case .float32:
            writer.writeFloats(values)
        case .fp16:
            for value in values { writer.write(Float16(min(max(value, -65_504), 65_504)).bitPattern) }
        case .integer(let bits, let block, let stochastic):
            let size = Self.integerBlockLength(block, count: values.count)
            let largest = Float(Self.largestLevel(bits: bits))
            let blocks = stride(from: 0, to: values.count, by: size).map { $0..<min($0 + size, values.count) }
            let scales = blocks.map { range in values[range].reduce(Float(0)) { max($0, $1.magnitude) } / largest }
            for scale in scales { writer.write(scale) }
            let perByte = 8 / bits
            let mask = UInt8(truncatingIfNeeded: (1 << bits) - 1)
            var byte: UInt8 = 0
            var index = 0
            for (range, scale) in zip(blocks, scales) {
                let inverse = scale > 0 ? 1 / scale : 0
                for value in values[range] {
                    let exact = value * inverse
                    let rounded = stochastic ? Self.stochasticRound(exact, &generator) : exact.rounded()
                    let level = Int8(max(-largest, min(largest, rounded)))
                    byte |= (UInt8(bitPattern: level) & mask) << UInt8((index % perByte) * bits)
                    index += 1
                    if index % perByte == 0 {
                        writer.write(byte)
                        byte = 0
                    }
                }
            }
            if index % perByte != 0 { writer.write(byte) }
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
        case .integer(let bits, let block, _):
            let size = Self.integerBlockLength(block, count: count)
            let blockCount = (count + size - 1) / size
            let packedCount = (count * bits + 7) / 8
            guard reader.remaining >= blockCount * 4 + packedCount else { throw CodecError.truncated("int\(bits) scales and levels") }
            let scales = try (0..<blockCount).map { _ in try Self.checkedScale(reader.readFloat("int\(bits) scale")) }
            let packed = try reader.take(packedCount, "int\(bits) levels")
            let perByte = 8 / bits
            let unused = UInt8(8 - bits)
            let never = -Self.largestLevel(bits: bits) - 1
            for i in 0..<count {
                let field = packed[packed.startIndex + i / perByte] >> UInt8((i % perByte) * bits)
                // Shifting the field to the top of a signed byte and back extends its sign.
                let level = Int(Int8(bitPattern: field << unused) >> unused)
                guard level != never else { throw CodecError.outOfRange("int\(bits) level \(never) is never written") }
                values.append(Float(level) * scales[i / size])
            }
            if count % perByte != 0, packed[packed.endIndex - 1] >> UInt8((count % perByte) * bits) != 0 {
                throw CodecError.outOfRange("int\(bits) padding bits of the last byte are not zero")
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

    /// Values per integer scale: `block`, or all `count` values in one block when `block` is 0.
    static func integerBlockLength(_ block: Int, count: Int) -> Int { block == 0 ? max(count, 1) : block }

    /// The largest level an integer of `bits` bits is written with: 2^(bits−1) − 1, so the levels are
    /// symmetric and the most negative field value is never written.
    static func largestLevel(bits: Int) -> Int { (1 << (bits - 1)) - 1 }

    /// Bytes the values section takes for `count` values (what ``encode(_:into:generator:)`` writes).
    func sectionSize(count: Int) -> Int {
        switch self {
        case .float32: return 4 * count
        case .fp16: return 2 * count
        case .integer(let bits, let block, _):
            let size = Self.integerBlockLength(block, count: count)
            return 4 * ((count + size - 1) / size) + (count * bits + 7) / 8
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
