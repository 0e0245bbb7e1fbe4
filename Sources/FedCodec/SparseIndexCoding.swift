/// The positions top-k kept, written as whichever is smaller: gaps between ascending indices as
/// LEB128 varints (mode 0), or a bitmap of the whole vector (mode 1).
enum SparseIndexCoding {
    static func encode(_ indices: [Int], count: Int) -> (mode: UInt8, bytes: [UInt8]) {
        var gaps = ByteWriter(capacity: indices.count * 2)
        var previous = -1
        for index in indices {
            gaps.writeVarint(UInt32(index - previous - 1))
            previous = index
        }
        let bitmapSize = (count + 7) / 8
        guard gaps.bytes.count > bitmapSize else { return (0, gaps.bytes) }
        var bitmap = [UInt8](repeating: 0, count: bitmapSize)
        for index in indices { bitmap[index >> 3] |= 1 << UInt8(index & 7) }
        return (1, bitmap)
    }

    /// Decodes exactly `k` strictly ascending indices below `count`, consuming all of `bytes`.
    static func decode(mode: UInt8, bytes: ArraySlice<UInt8>, k: Int, count: Int) throws -> [Int] {
        var indices = [Int]()
        indices.reserveCapacity(k)
        switch mode {
        case 0:
            var reader = ByteReader(Array(bytes))
            var previous = -1
            for _ in 0..<k {
                let index = previous + 1 + Int(try reader.readVarint("index gap"))
                guard index < count else { throw CodecError.outOfRange("index \(index) is not below \(count)") }
                indices.append(index)
                previous = index
            }
            guard reader.remaining == 0 else { throw CodecError.trailingBytes(reader.remaining) }
        case 1:
            guard bytes.count == (count + 7) / 8 else {
                throw CodecError.wrongByteCount(found: bytes.count, expected: (count + 7) / 8)
            }
            for (byteIndex, byte) in bytes.enumerated() where byte != 0 {
                for bit in 0..<8 where byte & (1 << UInt8(bit)) != 0 {
                    let index = byteIndex * 8 + bit
                    guard index < count else { throw CodecError.outOfRange("bitmap marks index \(index) of \(count)") }
                    indices.append(index)
                }
            }
            guard indices.count == k else { throw CodecError.outOfRange("bitmap marks \(indices.count) indices; header says \(k)") }
        default:
            throw CodecError.outOfRange("index mode \(mode)")
        }
        return indices
    }
}
