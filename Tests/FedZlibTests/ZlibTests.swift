import FedZlib
import Testing

@Suite struct ZlibTests {
    /// 64 KiB of compressible but not constant bytes.
    let sample: [UInt8] = (0..<65_536).map { UInt8(truncatingIfNeeded: ($0 * 7) ^ ($0 >> 5)) }

    @Test(arguments: [ZlibFormat.zlib, .gzip, .raw])
    func roundTripsEveryFormat(format: ZlibFormat) throws {
        let compressed = try Zlib.compress(sample, level: 6, format: format)
        #expect(compressed.count < sample.count / 4)
        #expect(try Zlib.decompress(compressed, format: format, maxOutputSize: sample.count) == sample)
    }

    @Test func roundTripsEmptyInput() throws {
        let compressed = try Zlib.compress([])
        #expect(try Zlib.decompress(compressed, maxOutputSize: 0) == [])
    }

    @Test func acceptsOutputExactlyAtTheLimit() throws {
        let compressed = try Zlib.compress(sample)
        #expect(try Zlib.decompress(compressed, maxOutputSize: sample.count, expectedSize: 10).count == sample.count)
    }

    @Test func rejectsOutputOneByteOverTheLimit() throws {
        let compressed = try Zlib.compress(sample)
        #expect(throws: ZlibError.outputExceedsLimit(limit: sample.count - 1)) {
            try Zlib.decompress(compressed, maxOutputSize: sample.count - 1)
        }
    }

    @Test func stopsABombAtTheLimitWhateverTheSizeHint() throws {
        // 64 MiB of zeros compress to about 64 KiB; a 1 MiB cap must stop it even with a lying hint.
        let bomb = try Zlib.compress([UInt8](repeating: 0, count: 64 << 20), level: 9)
        #expect(bomb.count < 100_000)
        #expect(throws: ZlibError.outputExceedsLimit(limit: 1 << 20)) {
            try Zlib.decompress(bomb, maxOutputSize: 1 << 20, expectedSize: 1 << 40)
        }
    }

    @Test func rejectsTruncatedInput() throws {
        let compressed = try Zlib.compress(sample)
        #expect(throws: ZlibError.truncatedInput) {
            try Zlib.decompress(Array(compressed.dropLast(10)), maxOutputSize: sample.count)
        }
    }

    @Test func rejectsTrailingBytes() throws {
        let compressed = try Zlib.compress(sample)
        #expect(throws: ZlibError.trailingData(byteCount: 3)) {
            try Zlib.decompress(compressed + [1, 2, 3], maxOutputSize: sample.count)
        }
    }

    @Test func rejectsCorruptHeader() throws {
        var compressed = try Zlib.compress(sample)
        compressed[0] ^= 0xFF
        #expect(throws: ZlibError.self) { try Zlib.decompress(compressed, maxOutputSize: sample.count) }
    }

    @Test func rejectsChecksumMismatch() throws {
        var compressed = try Zlib.compress(sample, format: .gzip)
        compressed[compressed.count - 6] ^= 0x01  // inside the CRC-32 trailer
        #expect {
            try Zlib.decompress(compressed, format: .gzip, maxOutputSize: sample.count)
        } throws: { error in
            guard case ZlibError.corruptData = error else { return false }
            return true
        }
    }

    @Test func rejectsLevelOutsideZeroToNine() {
        #expect(throws: ZlibError.invalidLevel(10)) { try Zlib.compress(sample, level: 10) }
    }
}
