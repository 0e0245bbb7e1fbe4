import FedData
import FedZlib
import Testing

/// The frames' and checkpoints' CRC-32: the standard check values, continuation across chunks, and
/// its change under any flipped bit.
@Suite struct CRC32Tests {
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
