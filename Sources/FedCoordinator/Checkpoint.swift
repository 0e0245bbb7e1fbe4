import FedCodec
import FedLedger
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
        /// Each client's whole-connection byte totals so far, every connection it has had, for
        /// `summary.json` after a resume (nil in checkpoints from before they were kept).
        public var connectionBytes: [JobSummary.ClientBytes]?
        /// The strategy, its parameters and clipping (nil in checkpoints from before they were kept).
        public var aggregation: AggregationRule?

        /// Creates a header.
        public init(
            jobJSON: String, round: Int, attempt: Int, ledgerBytes: Int, connectionBytes: [JobSummary.ClientBytes]? = nil,
            aggregation: AggregationRule? = nil
        ) {
            self.jobJSON = jobJSON
            self.round = round
            self.attempt = attempt
            self.ledgerBytes = ledgerBytes
            self.connectionBytes = connectionBytes
            self.aggregation = aggregation
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
        var writer = ByteWriter()
        writer.bytes = Self.magic
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let headerJSON = try encoder.encode(header)
        writer.write(UInt32(1))
        writer.write(UInt32(headerJSON.count))
        writer.bytes.append(contentsOf: headerJSON)
        func write(_ vector: [Float]) {
            writer.write(UInt32(vector.count))
            writer.writeFloats(vector)
        }
        write(global)
        writer.write(UInt32(strategyState.count))
        strategyState.forEach(write)
        writer.write(CRC32.checksum(writer.bytes))
        return writer.bytes
    }

    /// Parses and verifies a checkpoint file's bytes.
    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 16, Array(bytes[0..<4]) == Self.magic else { throw CheckpointError.corrupt("not a FedWatt checkpoint") }
        let body = Array(bytes[0..<(bytes.count - 4)])
        var trailer = ByteReader(bytes, offset: bytes.count - 4)
        guard try CRC32.checksum(body) == trailer.read(UInt32.self, "CRC-32") else { throw CheckpointError.corrupt("CRC-32 mismatch") }
        var reader = ByteReader(body, offset: 4)
        do {
            func readFloats() throws -> [Float] {
                let count = Int(try reader.read(UInt32.self, "vector length"))
                return try reader.readFloats(count, "vector")
            }
            guard try reader.read(UInt32.self, "format version") == 1 else { throw CheckpointError.corrupt("unknown format version") }
            let headerLength = Int(try reader.read(UInt32.self, "header length"))
            header = try JSONDecoder().decode(Header.self, from: Data(try reader.take(headerLength, "header")))
            global = try readFloats()
            let vectors = Int(try reader.read(UInt32.self, "strategy vectors"))
            guard vectors <= 16 else { throw CheckpointError.corrupt("\(vectors) strategy vectors") }
            strategyState = try (0..<vectors).map { _ in try readFloats() }
        } catch let error as CodecError {
            throw CheckpointError.corrupt("\(error)")
        }
        guard reader.remaining == 0 else { throw CheckpointError.corrupt("\(reader.remaining) stray bytes") }
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
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw CheckpointError.io("cannot create \(temporary.path): \(String(cString: strerror(errno)))") }
        do {
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            defer { try? handle.close() }
            try handle.write(contentsOf: data)
            try handle.synchronize()
        } catch {
            // A full disk: say which file, and leave no partial checkpoint behind.
            try? FileManager.default.removeItem(at: temporary)
            throw CheckpointError.io("cannot write \(temporary.path): \(error.localizedDescription)")
        }
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
