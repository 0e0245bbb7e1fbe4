import FedCoordinator
import Foundation
import Testing

@Suite struct CheckpointTests {
    let checkpoint = Checkpoint(
        header: .init(jobJSON: #"{"seed":1}"#, round: 4, attempt: 2, ledgerBytes: 1234),
        global: [1, -2.5, .pi], strategyState: [[0.1, 0.2, 0.3], [1, 2, 3]])

    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-checkpoint-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func roundTripsThroughItsBytes() throws {
        #expect(try Checkpoint(bytes: checkpoint.encoded()) == checkpoint)
    }

    @Test func everyFlippedByteAndEveryTruncationIsDetected() throws {
        let bytes = try checkpoint.encoded()
        for position in bytes.indices {
            var corrupt = bytes
            corrupt[position] ^= 0x10
            #expect(throws: CheckpointError.self) { try Checkpoint(bytes: corrupt) }
        }
        for length in 0..<bytes.count {
            #expect(throws: CheckpointError.self) { try Checkpoint(bytes: Array(bytes[..<length])) }
        }
    }

    /// A full disk (the temporary file leads to /dev/full): the error names the file, and no partial
    /// temporary file is left behind; the checkpoint written before is untouched.
    @Test func aFullDiskNamesTheFileAndLeavesNoTemporaryBehind() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try checkpoint.write(to: directory)
        let temporary = (directory as NSString).appendingPathComponent(Checkpoint.fileName + ".tmp")
        try FileManager.default.createSymbolicLink(atPath: temporary, withDestinationPath: "/dev/full")
        var next = checkpoint
        next.header.round = 5
        #expect {
            try next.write(to: directory)
        } throws: { error in
            "\(error)".contains(temporary) && "\(error)".contains("space")
        }
        #expect(!FileManager.default.fileExists(atPath: temporary) && (try? FileManager.default.destinationOfSymbolicLink(atPath: temporary)) == nil)
        #expect(try Checkpoint.latest(in: directory) == checkpoint)
    }

    @Test func aCorruptLatestFallsBackToThePreviousAndSaysSo() throws {
        let directory = try folder()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(try Checkpoint.latest(in: directory) == nil)
        var older = checkpoint
        older.header.round = 3
        try older.write(to: directory)
        try checkpoint.write(to: directory)
        #expect(try Checkpoint.latest(in: directory) == checkpoint)
        let latest = URL(fileURLWithPath: directory).appendingPathComponent(Checkpoint.fileName)
        var bytes = try [UInt8](Data(contentsOf: latest))
        bytes[bytes.count / 2] ^= 0xFF
        try Data(bytes).write(to: latest)
        var warning = ""
        #expect(try Checkpoint.latest(in: directory) { warning = $0 } == older)
        #expect(warning.contains("CRC-32 mismatch") && warning.contains(Checkpoint.previousFileName))
    }
}
