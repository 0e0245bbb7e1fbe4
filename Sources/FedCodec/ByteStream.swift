/// Appends little-endian values to a byte array (tensor encodings, checkpoints).
public struct ByteWriter {
    /// What has been written.
    public var bytes: [UInt8] = []

    /// Starts empty, with room for `capacity` bytes.
    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    /// Appends an integer, little-endian.
    public mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends a float32, little-endian.
    public mutating func write(_ value: Float) { write(value.bitPattern) }

    /// Appends `values` as little-endian float32, in one copy on little-endian machines.
    public mutating func writeFloats(_ values: [Float]) {
        #if _endian(little)
        values.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
        for value in values { write(value) }
        #endif
    }

    /// LEB128: 7 bits a byte, high bit set on all but the last.
    mutating func writeVarint(_ value: UInt32) {
        var rest = value
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }
}

/// Reads little-endian values from bytes, throwing ``CodecError/truncated(_:)`` instead of reading past the end.
public struct ByteReader {
    /// The bytes read from.
    public let bytes: [UInt8]
    /// Where the next read starts.
    public private(set) var offset: Int

    /// Reads `bytes` from `offset` on.
    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    /// Bytes not read yet.
    public var remaining: Int { bytes.count - offset }

    /// Reads an integer; `field` names it in the error.
    public mutating func read<T: FixedWidthInteger>(_ type: T.Type, _ field: String) throws -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw CodecError.truncated(field) }
        var value: T = 0
        for i in 0..<size { value |= T(bytes[offset + i]) << (8 * i) }
        offset += size
        return value
    }

    mutating func readFloat(_ field: String) throws -> Float {
        Float(bitPattern: try read(UInt32.self, field))
    }

    /// `count` little-endian float32 values, in one copy on little-endian machines.
    public mutating func readFloats(_ count: Int, _ field: String) throws -> [Float] {
        let source = try take(4 * count, field)
        #if _endian(little)
        // Filled by the copy, not zeroed first.
        return [Float](unsafeUninitializedCapacity: count) { values, initialized in
            source.withUnsafeBytes { UnsafeMutableRawBufferPointer(values).copyMemory(from: $0) }
            initialized = count
        }
        #else
        return (0..<count).map { i in
            let base = source.startIndex + 4 * i
            return Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(source[base + $1]) << (8 * $1) })
        }
        #endif
    }

    /// A LEB128 value of at most 5 bytes that fits in 32 bits.
    mutating func readVarint(_ field: String) throws -> UInt32 {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 35, by: 7) {
            guard remaining > 0 else { throw CodecError.truncated(field) }
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte & 0x80 == 0 {
                guard value <= UInt64(UInt32.max) else { throw CodecError.outOfRange("\(field) overflows 32 bits") }
                return UInt32(value)
            }
        }
        throw CodecError.outOfRange("\(field) varint longer than 5 bytes")
    }

    /// The next `count` bytes as a slice.
    public mutating func take(_ count: Int, _ field: String) throws -> ArraySlice<UInt8> {
        guard count >= 0, remaining >= count else { throw CodecError.truncated(field) }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }
}
