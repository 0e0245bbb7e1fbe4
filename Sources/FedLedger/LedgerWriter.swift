import Foundation

/// Appends one JSON object per line to `ledger.jsonl`: ``line(for:)`` encodes a record's line and
/// counts it into ``length``, and ``write(_:)`` appends it and syncs it to disk (the coordinator
/// does that off the round's path, one line after another).
public struct LedgerWriter: Sendable {
    /// The ledger file's path.
    public let path: String
    private let handle: FileHandle
    private let encoder: JSONEncoder
    /// The ledger's length in bytes.
    public private(set) var length: Int

    /// Creates (or truncates) the ledger in `directory`; with `keeping`, keeps that many bytes of an
    /// existing ledger (a resumed job) and appends after them.
    public init(directory: String, keeping kept: Int? = nil) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = (directory as NSString).appendingPathComponent("ledger.jsonl")
        if kept == nil || !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
            }
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        length = kept ?? 0
        try handle.truncate(atOffset: UInt64(length))
        try handle.seekToEnd()
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
    }

    /// The line that records `record`; ``length`` then counts it, as the ledger will be once it is
    /// written.
    public mutating func line(for record: some Encodable) throws -> Data {
        var line = try encoder.encode(record)
        line.append(0x0A)
        length += line.count
        return line
    }

    /// Appends `line` (from ``line(for:)``, in the same order) and syncs the file.
    public func write(_ line: Data) throws {
        do {
            try handle.write(contentsOf: line)
            try handle.synchronize()
        } catch {
            throw CocoaError(.fileWriteUnknown, userInfo: [
                NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "cannot append to \(path): \(error.localizedDescription)",
            ])
        }
    }

    /// Closes the file.
    public func close() throws {
        try handle.close()
    }
}

/// The records of a `ledger.jsonl` text, in order.
public func ledgerRecords(_ text: String) throws -> [RoundRecord] {
    let decoder = JSONDecoder()
    return try text.split(separator: "\n").map { try decoder.decode(RoundRecord.self, from: Data($0.utf8)) }
}

/// Writes `value` as pretty JSON with sorted keys to `directory/name`, atomically; returns the path.
@discardableResult
public func writeJSON(_ value: some Encodable, to directory: String, name: String) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let path = (directory as NSString).appendingPathComponent(name)
    try encoder.encode(value).write(to: URL(fileURLWithPath: path), options: .atomic)
    return path
}
