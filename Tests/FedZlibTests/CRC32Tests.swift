import CZlib
import FedData
import FedZlib
import Testing

/// libdeflate's CRC-32 against zlib's, which the Python client and docs/PROTOCOL.md name.
@Suite struct CRC32Tests {
    /// zlib's `crc32` of `bytes`, continuing from `crc`: the reference.
    private func zlibCRC32(_ bytes: UnsafeRawBufferPointer, continuing crc: UInt32 = 0) -> UInt32 {
        UInt32(crc32(uLong(crc), bytes.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(bytes.count)))
    }

    private func randomBytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    @Test func matchesTheStandardCheckValues() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([]) == 0)
        #expect(CRC32.checksum([], continuing: 0x1234_5678) == 0x1234_5678)
        #expect(CRC32.checksum([0]) == 0xD202_EF8D)
        #expect(CRC32.checksum(Array(repeating: 0xFF, count: 32)) == 0xFF6C_AB0B)
    }

    /// Every length to 64 from every start in a 16-byte span: the short tails and unaligned heads
    /// the wide kernels hand to byte-at-a-time code.
    @Test func matchesZlibForEveryShortLengthAndAlignment() {
        let bytes = randomBytes(64 + 16, seed: 1)
        bytes.withUnsafeBytes { all in
            for start in 0..<16 {
                for length in 0...64 {
                    let slice = UnsafeRawBufferPointer(rebasing: all[start..<start + length])
                    #expect(CRC32.checksum(slice) == zlibCRC32(slice), "start \(start), length \(length)")
                    #expect(CRC32.checksum(slice, continuing: 0xDEAD_BEEF) == zlibCRC32(slice, continuing: 0xDEAD_BEEF))
                }
            }
        }
    }

    /// Lengths around the kernels' block sizes, up to a model's frame, from unaligned starts.
    @Test(arguments: [65, 127, 128, 129, 255, 256, 257, 1023, 4096, 4099, 65_537, 407_147])
    func matchesZlibForLongInputs(length: Int) {
        let bytes = randomBytes(length + 7, seed: UInt64(length))
        bytes.withUnsafeBytes { all in
            for start in [0, 1, 3, 7] {
                let slice = UnsafeRawBufferPointer(rebasing: all[start..<start + length])
                #expect(CRC32.checksum(slice) == zlibCRC32(slice), "start \(start)")
            }
        }
    }

    @Test func continuesAcrossChunks() {
        let bytes = randomBytes(10_000, seed: 2)
        let whole = CRC32.checksum(bytes)
        for cut in [0, 1, 63, 64, 1000, 9_999, 10_000] {
            #expect(CRC32.checksum(Array(bytes[cut...]), continuing: CRC32.checksum(Array(bytes[..<cut]))) == whole, "cut at \(cut)")
        }
    }

    @Test func changesWithAnyFlippedBit() {
        var bytes = randomBytes(4096, seed: 3)
        let original = CRC32.checksum(bytes)
        for position in [0, 1, 17, 2048, 4095] {
            bytes[position] ^= 0x10
            #expect(CRC32.checksum(bytes) != original)
            bytes[position] ^= 0x10
        }
    }
}
