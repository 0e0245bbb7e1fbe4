import Foundation

/// A NumPy `.npy` file read as one flat float32 vector: what `np.save` writes for an array of
/// float32 or float64, in any shape, in C order.
///
/// The format (format versions 1.0, 2.0 and 3.0): the magic `\x93NUMPY`, the major and minor
/// version bytes, the header's length (UInt16 little-endian in 1.0, UInt32 in 2.0 and 3.0), the
/// header (a Python dict literal with `descr`, `fortran_order` and `shape`, ASCII or in 3.0 UTF-8),
/// then the values. Little-endian float32 (`<f4`) is read as it is; little-endian float64 (`<f8`)
/// is rounded to float32. Everything else is refused, naming what is wrong, before any allocation
/// the header asks for.
public enum NPYFile {
    /// The most values FedWatt reads from one file: 2^27, 512 MiB of float32 (a model that large
    /// would need RoundStart frames near the protocol's 4 GiB limit).
    public static let maximumValueCount = 1 << 27
    /// The longest header accepted; NumPy's own headers are a few dozen bytes, padded to 64.
    public static let maximumHeaderLength = 1 << 16

    /// The values of the `.npy` file at `path`, flattened in C order; errors name the file and the defect.
    public static func read(path: String, maximumValueCount: Int = maximumValueCount) throws -> [Float] {
        let contents: Data
        do {
            // Mapped, not read: a huge file costs nothing until its header has been checked.
            contents = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
        } catch {
            throw NPYError(file: path, problem: .unreadable(error.localizedDescription))
        }
        return try parse(contents, source: path, maximumValueCount: maximumValueCount)
    }

    /// Parses `.npy` bytes that came from `source` (used only in error messages).
    public static func parse(_ bytes: Data, source: String, maximumValueCount: Int = maximumValueCount) throws -> [Float] {
        do {
            return try parse(bytes, maximumValueCount: maximumValueCount)
        } catch {
            throw NPYError(file: source, problem: error)
        }
    }

    private static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    private static func parse(_ bytes: Data, maximumValueCount: Int) throws(NPYError.Problem) -> [Float] {
        let start = bytes.startIndex
        guard bytes.count >= 10 else { throw .truncatedHeader(byteCount: bytes.count) }
        guard bytes.prefix(6).elementsEqual(magic) else { throw .badMagic(Array(bytes.prefix(6))) }
        let (major, minor) = (bytes[start + 6], bytes[start + 7])
        let lengthSize: Int
        switch major {
        case 1: lengthSize = 2
        case 2, 3: lengthSize = 4
        default: throw .unsupportedVersion(major: major, minor: minor)
        }
        guard bytes.count >= 8 + lengthSize else { throw .truncatedHeader(byteCount: bytes.count) }
        let headerLength = bytes[(start + 8)..<(start + 8 + lengthSize)].reversed().reduce(0) { $0 << 8 | Int($1) }
        guard headerLength <= maximumHeaderLength else { throw .headerTooLong(headerLength) }
        let headerStart = 8 + lengthSize
        guard bytes.count >= headerStart + headerLength else { throw .truncatedHeader(byteCount: bytes.count) }
        let headerBytes = bytes[(start + headerStart)..<(start + headerStart + headerLength)]
        guard let text = String(validating: headerBytes, as: UTF8.self), major == 3 || text.allSatisfy(\.isASCII) else {
            throw .malformedHeader("the header is not \(major == 3 ? "UTF-8" : "ASCII") text")
        }
        let header = try NPYHeader(text)
        let width: Int
        switch header.descr {
        case "<f4": width = 4
        case "<f8": width = 8
        default: throw .unsupportedType(header.descr)
        }
        guard !header.fortranOrder else { throw .fortranOrder }
        var count = 1
        for dimension in header.shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= maximumValueCount else { throw .tooManyValues(shape: header.shape, maximum: maximumValueCount) }
            count = product
        }
        let dataStart = headerStart + headerLength
        let available = bytes.count - dataStart
        guard available >= count * width else { throw .truncatedData(expected: count * width, found: available) }
        guard available == count * width else { throw .trailingBytes(expected: count * width, found: available) }
        let data = bytes[(start + dataStart)...]
        var values = [Float](repeating: 0, count: count)
        data.withUnsafeBytes { raw in
            for index in 0..<count {
                let offset = index * width
                values[index] = width == 4
                    ? Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                    : Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
            }
        }
        if let bad = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFiniteValue(index: bad, value: values[bad])
        }
        return values
    }
}

/// Why a `.npy` file was refused: the file and the defect.
public struct NPYError: Error, CustomStringConvertible, Equatable {
    /// The file (or the source given to ``NPYFile/parse(_:source:maximumValueCount:)``).
    public var file: String
    /// What is wrong with it.
    public var problem: Problem

    /// The defect `problem` of `file`.
    public init(file: String, problem: Problem) {
        self.file = file
        self.problem = problem
    }

    /// The defects ``NPYFile`` names.
    public enum Problem: Error, Equatable, CustomStringConvertible {
        case unreadable(String)
        case truncatedHeader(byteCount: Int)
        case badMagic([UInt8])
        case unsupportedVersion(major: UInt8, minor: UInt8)
        case headerTooLong(Int)
        case malformedHeader(String)
        case unsupportedType(String)
        case fortranOrder
        case tooManyValues(shape: [Int], maximum: Int)
        case truncatedData(expected: Int, found: Int)
        case trailingBytes(expected: Int, found: Int)
        case nonFiniteValue(index: Int, value: Float)

        public var description: String {
            switch self {
            case .unreadable(let reason): return "cannot be read: \(reason)"
            case .truncatedHeader(let count): return "ends after \(count) bytes, inside its header"
            case .badMagic(let bytes):
                return "does not start with \\x93NUMPY (found \(bytes.map { String(format: "%02x", $0) }.joined(separator: " "))): not a .npy file"
            case .unsupportedVersion(let major, let minor): return "is .npy format version \(major).\(minor); versions 1.0, 2.0 and 3.0 are read"
            case .headerTooLong(let length): return "declares a \(length)-byte header; at most \(NPYFile.maximumHeaderLength) are accepted"
            case .malformedHeader(let detail): return "has a malformed header: \(detail)"
            case .unsupportedType(let descr):
                let why: String
                if descr.contains("O") {
                    why = "an object array (pickled Python objects), which is never read"
                } else if descr.hasPrefix(">") {
                    why = "big-endian"
                } else {
                    why = "not float32 or float64"
                }
                return "holds dtype '\(descr)', \(why); save little-endian float32 instead: np.save(path, array.astype('<f4'))"
            case .fortranOrder: return "is in Fortran order; save it in C order: np.save(path, np.ascontiguousarray(array))"
            case .tooManyValues(let shape, let maximum): return "has shape \(shape), more than the \(maximum) values accepted"
            case .truncatedData(let expected, let found): return "is truncated: its shape needs \(expected) bytes of values, \(found) follow the header"
            case .trailingBytes(let expected, let found): return "has \(found - expected) bytes after its \(expected) bytes of values"
            case .nonFiniteValue(let index, let value): return "value \(index) is \(value); every parameter must be finite"
            }
        }
    }

    public var description: String { "\(file) \(problem)" }
}
