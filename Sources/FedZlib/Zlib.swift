import CZlib
import Foundation

/// The container zlib wraps around a deflate stream.
public enum ZlibFormat: Sendable, Equatable {
    /// RFC 1950: a two-byte header and an Adler-32 trailer (zlib's default).
    case zlib
    /// RFC 1952: the `.gz` file format, with a CRC-32 and size trailer.
    case gzip
    /// RFC 1951: the bare deflate stream, without header or trailer.
    case raw

    var windowBits: Int32 {
        switch self {
        case .zlib: return 15
        case .gzip: return 31
        case .raw: return -15
        }
    }
}

/// How deflate looks for redundancy (zlib's `strategy` argument). Inflate reads every one alike.
public enum ZlibStrategy: Sendable, Hashable {
    /// LZ77 string matches and Huffman codes: zlib's default, made for text.
    case standard
    /// Matches only at distance 1, that is runs of one repeated byte (`Z_RLE`), and Huffman codes.
    case runLength
    /// Huffman codes alone, no matches (`Z_HUFFMAN_ONLY`).
    case huffmanOnly

    var zlibValue: Int32 {
        switch self {
        case .standard: return Z_DEFAULT_STRATEGY
        case .runLength: return Z_RLE
        case .huffmanOnly: return Z_HUFFMAN_ONLY
        }
    }
}

/// Why zlib refused to compress or decompress a buffer.
public enum ZlibError: Error, Equatable, CustomStringConvertible {
    /// The decompressed data would be longer than the caller's limit; nothing past the limit was produced.
    case outputExceedsLimit(limit: Int)
    /// The input ended before the compressed stream did.
    case truncatedInput
    /// Bytes follow the end of the compressed stream.
    case trailingData(byteCount: Int)
    /// zlib reported the stream as corrupt (bad header, bad code, or checksum mismatch).
    case corruptData(String)
    /// The compression level is outside 0...9.
    case invalidLevel(Int32)
    /// zlib failed for a reason other than the data (out of memory, version mismatch).
    case internalFailure(code: Int32)

    public var description: String {
        switch self {
        case .outputExceedsLimit(let limit):
            return "decompressed data exceeds the limit of \(limit) bytes"
        case .truncatedInput:
            return "compressed data ends before the end of the stream"
        case .trailingData(let count):
            return "\(count) unexpected bytes after the end of the compressed stream"
        case .corruptData(let message):
            return "corrupt compressed data: \(message)"
        case .invalidLevel(let level):
            return "zlib level \(level) is outside 0...9"
        case .internalFailure(let code):
            return "zlib failed with code \(code)"
        }
    }
}

/// In-memory zlib compression with caller-bounded decompression.
///
/// Every decompression takes a maximum output size and stops with
/// ``ZlibError/outputExceedsLimit(limit:)`` as soon as the output would pass it,
/// so a small hostile payload can never make the process allocate more than the caller allowed.
public enum Zlib {
    /// Compresses `input` at `level` (0 = store, 1 = fastest, 9 = smallest) in the given container,
    /// searching for redundancy as `strategy` says.
    public static func compress(
        _ input: [UInt8], level: Int32 = 6, format: ZlibFormat = .zlib, strategy: ZlibStrategy = .standard
    ) throws -> [UInt8] {
        guard (0...9).contains(level) else { throw ZlibError.invalidLevel(level) }
        var stream = z_stream()
        let initCode = deflateInit2_(
            &stream, level, Z_DEFLATED, format.windowBits, 8, strategy.zlibValue,
            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard initCode == Z_OK else { throw ZlibError.internalFailure(code: initCode) }
        defer { deflateEnd(&stream) }

        // deflateBound is exact for one-shot deflate with Z_FINISH, including gzip headers.
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        let code: Int32 = input.withUnsafeBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard code == Z_STREAM_END else { throw ZlibError.internalFailure(code: code) }
        output.removeLast(bound - Int(stream.total_out))
        return output
    }

    /// Decompresses one complete stream from `input`, producing at most `maxOutputSize` bytes.
    ///
    /// Throws ``ZlibError/outputExceedsLimit(limit:)`` if the stream holds more,
    /// ``ZlibError/truncatedInput`` if it is cut short, ``ZlibError/trailingData(byteCount:)``
    /// if bytes follow it, and ``ZlibError/corruptData(_:)`` for anything zlib cannot decode.
    /// `expectedSize`, when known (a gzip trailer, a codec header), sizes the first allocation;
    /// it is only a hint and never lifts the limit.
    public static func decompress(
        _ input: some ContiguousBytes, format: ZlibFormat = .zlib, maxOutputSize: Int, expectedSize: Int? = nil
    ) throws -> [UInt8] {
        precondition(maxOutputSize >= 0, "maxOutputSize must not be negative")
        var stream = z_stream()
        let initCode = inflateInit2_(&stream, format.windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard initCode == Z_OK else { throw ZlibError.internalFailure(code: initCode) }
        defer { inflateEnd(&stream) }

        // Grow geometrically from a guess, never past the limit (+1 byte to detect overflow).
        let hardCapacity = maxOutputSize + 1
        return try input.withUnsafeBytes { inBuffer -> [UInt8] in
            let firstGuess = max(64, expectedSize ?? inBuffer.count * 4)
            var output = [UInt8](repeating: 0, count: min(hardCapacity, firstGuess))
            var produced = 0
            stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress?.assumingMemoryBound(to: Bytef.self))
            stream.avail_in = uInt(inBuffer.count)
            while true {
                if produced == output.count {
                    guard output.count < hardCapacity else { throw ZlibError.outputExceedsLimit(limit: maxOutputSize) }
                    output.append(contentsOf: repeatElement(0, count: min(output.count, hardCapacity - output.count)))
                }
                let room = output.count - produced
                let code: Int32 = output.withUnsafeMutableBufferPointer { outBuffer in
                    stream.next_out = outBuffer.baseAddress! + produced
                    stream.avail_out = uInt(room)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                produced += room - Int(stream.avail_out)
                if produced > maxOutputSize { throw ZlibError.outputExceedsLimit(limit: maxOutputSize) }
                switch code {
                case Z_STREAM_END:
                    if stream.avail_in > 0 { throw ZlibError.trailingData(byteCount: Int(stream.avail_in)) }
                    output.removeLast(output.count - produced)
                    return output
                case Z_OK:
                    continue
                case Z_BUF_ERROR:
                    // No progress possible: either the output is full (loop grows it) or input ran out.
                    if stream.avail_in == 0 { throw ZlibError.truncatedInput }
                case Z_DATA_ERROR, Z_NEED_DICT:
                    let message = stream.msg.map { String(cString: $0) } ?? "code \(code)"
                    throw ZlibError.corruptData(message)
                default:
                    throw ZlibError.internalFailure(code: code)
                }
            }
        }
    }
}
