import FedData
import FedZlib
import Foundation
import Testing

/// Builds an IDX byte image: magic 00 00 08 rank, big-endian dimensions, then the data.
func idxBytes(dimensions: [Int], data: [UInt8], elementType: UInt8 = 0x08) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, elementType, UInt8(dimensions.count)]
    for size in dimensions {
        bytes += [UInt8(size >> 24 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size & 0xFF)]
    }
    return bytes + data
}

@Suite struct IDXFileTests {
    let data: [UInt8] = (0..<24).map { UInt8($0 * 10) }

    @Test func parsesPlainFile() throws {
        let file = try IDXFile.parse(idxBytes(dimensions: [2, 3, 4], data: data), source: "plain")
        #expect(file.dimensions == [2, 3, 4])
        #expect(file.data == data)
    }

    @Test func parsesGzipFileByItsMagicBytes() throws {
        let gzipped = try Zlib.compress(idxBytes(dimensions: [6, 4], data: data), format: .gzip)
        let file = try IDXFile.parse(gzipped, source: "file.idx")
        #expect(file.dimensions == [6, 4])
        #expect(file.data == data)
    }

    @Test func rejectsBadMagic() {
        var bytes = idxBytes(dimensions: [24], data: data)
        bytes[0] = 0x50
        #expect(throws: IDXError(file: "x", problem: .badMagic([0x50, 0, 8, 1]))) { try IDXFile.parse(bytes, source: "x") }
    }

    @Test func rejectsNonByteElementType() {
        let bytes = idxBytes(dimensions: [24], data: data, elementType: 0x0D)
        #expect(throws: IDXError(file: "x", problem: .unsupportedElementType(0x0D))) { try IDXFile.parse(bytes, source: "x") }
    }

    @Test func rejectsRankZero() {
        #expect(throws: IDXError(file: "x", problem: .unsupportedRank(0))) { try IDXFile.parse([0, 0, 8, 0], source: "x") }
    }

    @Test func rejectsTruncatedHeader() {
        let bytes = Array(idxBytes(dimensions: [2, 3, 4], data: data)[..<10])
        #expect(throws: IDXError(file: "x", problem: .truncatedHeader(byteCount: 10))) { try IDXFile.parse(bytes, source: "x") }
    }

    @Test func rejectsTruncatedData() {
        let bytes = Array(idxBytes(dimensions: [2, 3, 4], data: data).dropLast(5))
        #expect(throws: IDXError(file: "x", problem: .truncatedData(expected: 24, found: 19))) {
            try IDXFile.parse(bytes, source: "x")
        }
    }

    @Test func rejectsDimensionsFarLargerThanTheFile() {
        // 4 billion x 4 billion elements declared in a 28-byte file: no overflow, no allocation, a clear error.
        let bytes = idxBytes(dimensions: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], data: [1, 2, 3])
        #expect { try IDXFile.parse(bytes, source: "x") } throws: { error in
            guard let error = error as? IDXError, case .truncatedData = error.problem else { return false }
            return true
        }
    }

    @Test func rejectsBytesAfterTheDeclaredData() {
        let bytes = idxBytes(dimensions: [20], data: data)
        #expect(throws: IDXError(file: "x", problem: .trailingData(expected: 20, found: 24))) {
            try IDXFile.parse(bytes, source: "x")
        }
    }

    @Test func rejectsTruncatedGzip() throws {
        let gzipped = try Zlib.compress(idxBytes(dimensions: [24], data: data), format: .gzip)
        #expect(throws: IDXError(file: "x.gz", problem: .badCompression(.truncatedInput))) {
            try IDXFile.parse(Array(gzipped.dropLast(12)), source: "x.gz")
        }
    }

    @Test func rejectsGzipThatInflatesPastTheCap() throws {
        let gzipped = try Zlib.compress(idxBytes(dimensions: [4096], data: [UInt8](repeating: 0, count: 4096)), format: .gzip)
        #expect(throws: IDXError(file: "x.gz", problem: .badCompression(.outputExceedsLimit(limit: 1000)))) {
            try IDXFile.parse(gzipped, source: "x.gz", maximumSize: 1000)
        }
    }

    @Test func errorMessageNamesTheFileAndTheProblem() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-idx-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("broken-idx1-ubyte").path
        try Data(idxBytes(dimensions: [100], data: data)).write(to: URL(fileURLWithPath: path))
        do {
            _ = try IDXFile.read(path: path)
            Issue.record("a truncated file was accepted")
        } catch let error as IDXError {
            #expect(error.description.contains(path))
            #expect(error.description.contains("truncated"))
            #expect(error.description.contains("100"))
        }
    }

    @Test func missingFileIsUnreadable() {
        #expect(throws: IDXError(file: "/nonexistent/x", problem: .unreadable)) { try IDXFile.read(path: "/nonexistent/x") }
    }
}
