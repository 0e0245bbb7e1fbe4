import FedZlib
import Foundation

/// One IDX file (the format of MNIST and Fashion-MNIST): an array of unsigned bytes with its dimensions.
///
/// The file may be gzip-compressed (detected by its magic bytes, not its name); it is inflated
/// in-process through zlib, never past ``maximumDataSize``.
public struct IDXFile: Sendable, Equatable {
    /// Dimensions, outermost first (e.g. `[60000, 28, 28]` for training images).
    public let dimensions: [Int]
    /// The elements, row-major.
    public let data: [UInt8]

    /// The largest decoded file FedWatt accepts (Fashion-MNIST's largest is 47,040,016 bytes).
    public static let maximumDataSize = 256 << 20

    /// Reads and validates the IDX file at `path`; errors name the file and what is wrong with it.
    public static func read(path: String, maximumSize: Int = maximumDataSize) throws -> IDXFile {
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw IDXError(file: path, problem: .unreadable)
        }
        return try parse(contents, source: path, maximumSize: maximumSize)
    }

    /// Parses IDX bytes (plain or gzip) that came from `source`, used only in error messages.
    public static func parse<Bytes: ContiguousBytes & RandomAccessCollection<UInt8>>(
        _ bytes: Bytes, source: String, maximumSize: Int = maximumDataSize
    ) throws -> IDXFile {
        guard bytes.starts(with: [0x1F, 0x8B]) else { return try parseUncompressed(Array(bytes), source: source) }
        do {
            let raw = try Zlib.decompress(
                bytes, format: .gzip, maxOutputSize: maximumSize, expectedSize: gzipSizeHint(bytes, cap: maximumSize))
            return try parseUncompressed(raw, source: source)
        } catch let error as ZlibError {
            throw IDXError(file: source, problem: .badCompression(error))
        }
    }

    /// The gzip trailer's uncompressed size (modulo 2^32), used only to size the first allocation.
    private static func gzipSizeHint(_ bytes: some RandomAccessCollection<UInt8>, cap: Int) -> Int? {
        guard bytes.count >= 18 else { return nil }
        let size = bytes.suffix(4).reversed().reduce(0) { $0 << 8 | Int($1) }
        return min(size, cap)
    }

    /// Validates the header and moves the data out of `raw` in place (no second copy of a large file).
    private static func parseUncompressed(_ raw: consuming [UInt8], source: String) throws -> IDXFile {
        guard raw.count >= 4 else { throw IDXError(file: source, problem: .truncatedHeader(byteCount: raw.count)) }
        guard raw[0] == 0, raw[1] == 0 else {
            throw IDXError(file: source, problem: .badMagic(Array(raw[0..<4])))
        }
        guard raw[2] == 0x08 else { throw IDXError(file: source, problem: .unsupportedElementType(raw[2])) }
        let rank = Int(raw[3])
        guard (1...4).contains(rank) else { throw IDXError(file: source, problem: .unsupportedRank(rank)) }
        let headerSize = 4 + 4 * rank
        guard raw.count >= headerSize else {
            throw IDXError(file: source, problem: .truncatedHeader(byteCount: raw.count))
        }
        var dimensions = [Int]()
        var elementCount = 1
        for axis in 0..<rank {
            let offset = 4 + 4 * axis
            let size = Int(raw[offset]) << 24 | Int(raw[offset + 1]) << 16 | Int(raw[offset + 2]) << 8 | Int(raw[offset + 3])
            dimensions.append(size)
            // Stop multiplying once the count passes the bytes present: it cannot overflow
            // (at most raw.count * 2^32), and the length check below reports the truncation.
            elementCount *= size
            guard elementCount <= raw.count else { break }
        }
        let available = raw.count - headerSize
        guard available == elementCount else {
            let problem: IDXError.Problem = available < elementCount
                ? .truncatedData(expected: elementCount, found: available)
                : .trailingData(expected: elementCount, found: available)
            throw IDXError(file: source, problem: problem)
        }
        var data = consume raw
        data.removeFirst(headerSize)
        return IDXFile(dimensions: dimensions, data: data)
    }
}

/// What is wrong with an IDX file, and which file.
public struct IDXError: Error, Equatable, CustomStringConvertible {
    /// The kinds of defect the reader detects.
    public enum Problem: Equatable, Sendable {
        case unreadable
        case badCompression(ZlibError)
        case truncatedHeader(byteCount: Int)
        case badMagic([UInt8])
        case unsupportedElementType(UInt8)
        case unsupportedRank(Int)
        case truncatedData(expected: Int, found: Int)
        case trailingData(expected: Int, found: Int)
        case unexpectedShape(String)
    }

    /// The file's path (or other source name).
    public let file: String
    /// What is wrong with it.
    public let problem: Problem

    /// Creates an error for `file`.
    public init(file: String, problem: Problem) {
        self.file = file
        self.problem = problem
    }

    public var description: String {
        let detail: String
        switch problem {
        case .unreadable:
            detail = "cannot be read"
        case .badCompression(let error):
            detail = "is not a valid gzip file (\(error))"
        case .truncatedHeader(let count):
            detail = "is truncated: its header is incomplete (\(count) bytes)"
        case .badMagic(let magic):
            detail = "is not an IDX file: magic bytes \(magic.map { String($0, radix: 16) }) do not start with 00 00"
        case .unsupportedElementType(let type):
            detail = "has element type 0x\(String(type, radix: 16)); only unsigned bytes (0x08) are supported"
        case .unsupportedRank(let rank):
            detail = "has \(rank) dimensions; 1 to 4 are supported"
        case .truncatedData(let expected, let found):
            detail = "is truncated: its header declares \(expected) data bytes but only \(found) follow"
        case .trailingData(let expected, let found):
            detail = "has \(found - expected) bytes after the \(expected) data bytes its header declares"
        case .unexpectedShape(let what):
            detail = "has an unexpected shape: \(what)"
        }
        return "IDX file \(file) \(detail)"
    }
}
