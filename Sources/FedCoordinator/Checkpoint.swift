import FedZlib
import Foundation

/// What a coordinator needs to continue a job after a crash, written after every round attempt.
///
/// File layout (little-endian): magic `FWCK`, format version u32, header length u32, header JSON,
/// value count u32, the global model as float32, then per strategy state vector a u32 count and its
/// float32 values, and last a CRC-32 of everything before it. Written to a temporary file, fsynced,
/// renamed over `checkpoint.bin` after the previous one was renamed to `checkpoint.previous.bin`, and
/// the folder fsynced: a crash at any point leaves at least one complete checkpoint.
public struct Checkpoint: Sendable, Equatable {
    /// The header's fields.
    public struct Header: Sendable, Codable, Equatable {
        /// The job's JSON (the Welcome text): a resumed coordinator must run the same job.
        public var jobJSON: String
        /// The next round to run, and its attempt.
        public var round: Int
        public var attempt: Int
        /// Bytes of `ledger.jsonl` that belong to the rounds this checkpoint covers.
        public var ledgerBytes: Int

        /// Creates a header.
        public init(jobJSON: String, round: Int, attempt: Int, ledgerBytes: Int) {
            self.jobJSON = jobJSON
            self.round = round
            self.attempt = attempt
            self.ledgerBytes = ledgerBytes
        }
    }

    public var header: Header
    /// The global model after the last covered round.
    public var global: [Float]
    /// The strategy's own state (FedAdam and FedYogi moments; empty for the others).
    public var strategyState: [[Float]]

    public static let fileName = "checkpoint.bin"
    public static let previousFileName = "checkpoint.previous.bin"
    private static let magic = Array("FWCK".utf8)

    /// The file's bytes.
    public func encoded() throws -> [UInt8] {
        var bytes = Self.magic
        func append<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
        func append(_ values: [Float]) {
            append(UInt32(values.count))
            for value in values { append(value.bitPattern) }
        }
        let headerJSON = try JSONEncoder().encode(header)
        append(UInt32(1))
        append(UInt32(headerJSON.count))
        bytes.append(contentsOf: headerJSON)
        append(global)
        append(UInt32(strategyState.count))
        for vector in strategyState { append(vector) }
        append(Zlib.crc32(bytes))
        return bytes
    }

    /// Parses and verifies a checkpoint file's bytes.
    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 16, Array(bytes[0..<4]) == Self.magic else { throw CheckpointError.corrupt("not a FedWatt checkpoint") }
        let body = bytes[0..<(bytes.count - 4)]
        let stored = bytes.suffix(4).reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard Zlib.crc32(Array(body)) == stored else { throw CheckpointError.corrupt("CRC-32 mismatch") }
        var offset = 4
        func read() throws -> UInt32 {
            guard offset + 4 <= body.count else { throw CheckpointError.corrupt("truncated") }
            defer { offset += 4 }
            return (0..<4).reduce(UInt32(0)) { $0 | UInt32(body[offset + $1]) << (8 * UInt32($1)) }
        }
        func readFloats() throws -> [Float] {
            let count = Int(try read())
            guard count <= (body.count - offset) / 4 else { throw CheckpointError.corrupt("vector longer than the file") }
            return try (0..<count).map { _ in Float(bitPattern: try read()) }
        }
        guard try read() == 1 else { throw CheckpointError.corrupt("unknown format version") }
        let headerLength = Int(try read())
        guard headerLength <= body.count - offset else { throw CheckpointError.corrupt("header longer than the file") }
        header = try JSONDecoder().decode(Header.self, from: Data(body[offset..<(offset + headerLength)]))
        offset += headerLength
        global = try readFloats()
        let vectors = Int(try read())
        guard vectors <= 16 else { throw CheckpointError.corrupt("\(vectors) strategy vectors") }
        strategyState = try (0..<vectors).map { _ in try readFloats() }
        guard offset == body.count else { throw CheckpointError.corrupt("\(body.count - offset) stray bytes") }
    }

    /// Creates a checkpoint.
    public init(header: Header, global: [Float], strategyState: [[Float]]) {
        self.header = header
        self.global = global
        self.strategyState = strategyState
    }

    /// Writes this checkpoint into `directory` atomically, keeping the one before it.
    public func write(to directory: String) throws {
        let folder = URL(fileURLWithPath: directory)
        let current = folder.appendingPathComponent(Self.fileName)
        let previous = folder.appendingPathComponent(Self.previousFileName)
        let temporary = folder.appendingPathComponent(Self.fileName + ".tmp")
        let data = Data(try encoded())
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CheckpointError.io("cannot create \(temporary.path)")
        }
        let handle = try FileHandle(forWritingTo: temporary)
        try handle.write(contentsOf: data)
        try handle.synchronize()
        try handle.close()
        if FileManager.default.fileExists(atPath: current.path) {
            _ = rename(current.path, previous.path)
        }
        guard rename(temporary.path, current.path) == 0 else { throw CheckpointError.io("cannot rename \(temporary.path)") }
        let folderDescriptor = open(directory, O_RDONLY)
        if folderDescriptor >= 0 {
            fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }

    /// The newest checkpoint in `directory` that verifies, falling back to the previous one when the
    /// newest is corrupt; `onFallback` hears why. Nil when the folder has none.
    public static func latest(in directory: String, onFallback: (String) -> Void = { _ in }) throws -> Checkpoint? {
        let folder = URL(fileURLWithPath: directory)
        var problems: [String] = []
        for name in [fileName, previousFileName] {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { continue }
            do {
                let checkpoint = try Checkpoint(bytes: [UInt8](data))
                if !problems.isEmpty { onFallback(problems.joined(separator: "; ") + "; using \(name)") }
                return checkpoint
            } catch {
                problems.append("\(name) is unusable: \(error)")
            }
        }
        if !problems.isEmpty { throw CheckpointError.corrupt(problems.joined(separator: "; ")) }
        return nil
    }
}

/// Why a checkpoint could not be read or written.
public enum CheckpointError: Error, CustomStringConvertible, Equatable {
    case corrupt(String)
    case io(String)
    case mismatch(String)

    public var description: String {
        switch self {
        case .corrupt(let detail): return "corrupt checkpoint: \(detail)"
        case .io(let detail): return "checkpoint I/O failed: \(detail)"
        case .mismatch(let detail): return "cannot resume: \(detail)"
        }
    }
}
