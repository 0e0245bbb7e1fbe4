import FedData
import FedZlib
import Foundation
import Testing

/// The test vectors of docs/DATA.md, recomputed from each line's parameters: the spec another
/// language's client follows (Clients/python checks the same lines) must say what this code does.
///
/// `FEDWATT_PRINT_DATA_VECTORS=1 swift test --filter DataSpecVectorTests` prints every line as
/// this build computes it, to paste into docs/DATA.md after a deliberate change.
@Suite struct DataSpecVectorTests {
    static let specPath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/DATA.md").path

    /// The lines of the ```vectors blocks, without comments.
    static func vectorLines() throws -> [String] {
        let text = try String(contentsOfFile: specPath, encoding: .utf8)
        var inside = false
        var lines: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inside = line == "```vectors"
                continue
            }
            if inside, !line.isEmpty, !line.hasPrefix("#") { lines.append(String(line)) }
        }
        return lines
    }

    @Test func specHoldsVectorsOfEveryKind() throws {
        let kinds = Set(try Self.vectorLines().map { $0.split(separator: " ")[0] })
        #expect(kinds == ["next", "below", "shuffle", "normal", "gamma", "dirichlet", "partition", "synthetic"])
    }

    @Test func everyVectorLineIsWhatThisBuildComputes() throws {
        let print = ProcessInfo.processInfo.environment["FEDWATT_PRINT_DATA_VECTORS"] != nil
        var labels: [String: [UInt8]] = [:]
        for line in try Self.vectorLines() {
            let computed = try Self.recompute(line, labels: &labels)
            if print { Swift.print(computed) }
            #expect(computed == line)
        }
    }

    /// The line with the same parameters (its leading fields), with the values this build draws.
    /// `labels` caches each dataset's training labels between lines.
    static func recompute(_ line: String, labels: inout [String: [UInt8]]) throws -> String {
        let f = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        func generator(_ seed: String, _ stream: String) -> SeededGenerator {
            stream == "-" ? SeededGenerator(seed: UInt64(seed)!) : SeededGenerator(seed: UInt64(seed)!, stream: UInt64(stream.dropFirst(2), radix: 16)!)
        }
        func bits(_ value: Double) -> String { String(value.bitPattern, radix: 16) }
        var g = ["next", "below", "shuffle", "normal", "gamma", "dirichlet"].contains(f[0])
            ? generator(f[1], f[0] == "next" ? f[2] : "-") : SeededGenerator(seed: 0)
        switch f[0] {
        case "next":
            return (f[0...2] + (0..<4).map { _ in String(g.next(), radix: 16) }).joined(separator: " ")
        case "below":
            let bound = Int(f[2])!
            return (f[0...2] + (0..<6).map { _ in String(Int.random(in: 0..<bound, using: &g)) }).joined(separator: " ")
        case "shuffle":
            var items = Array(0..<Int(f[2])!)
            items.shuffle(using: &g)
            return (f[0...2] + items.map(String.init)).joined(separator: " ")
        case "normal":
            return (f[0...1] + (0..<3).map { _ in bits(g.nextNormal()) }).joined(separator: " ")
        case "gamma":
            let shape = Double(f[2])!
            return (f[0...2] + (0..<3).map { _ in bits(g.nextGamma(shape: shape)) }).joined(separator: " ")
        case "dirichlet":
            return (f[0...3] + g.nextDirichlet(alpha: Double(f[2])!, count: Int(f[3])!).map(bits)).joined(separator: " ")
        case "partition":
            // partition DATASET SPEC CLIENTS SEED  SIZE/CRC ... (CRC-32 of the sorted indices as UInt32 LE)
            let source = try DatasetSource(parsing: f[1])
            if labels[f[1]] == nil { labels[f[1]] = try source.loadLabels(.train) }
            let shards = try Partitioner(spec: PartitionSpec(parsing: f[2]), clientCount: Int(f[3])!, seed: UInt64(f[4])!)
                .shards(labels: labels[f[1]]!, classCount: source.classCount)
            let pairs = shards.map { "\($0.count)/\(hex32(crc(of: $0)))" }
            return (f[0...4] + pairs).joined(separator: " ")
        case "synthetic":
            // synthetic SOURCE SPLIT  COUNT PIXELS-CRC LABELS-CRC
            let data = try DatasetSource(parsing: f[1]).load(f[2] == "train" ? .train : .test)
            return (f[0...2] + ["\(data.count)", hex32(CRC32.checksum(data.pixels)), hex32(CRC32.checksum(data.labels))]).joined(separator: " ")
        default:
            Issue.record("unknown vector kind in docs/DATA.md: \(line)")
            return line
        }
    }

    static func crc(of indices: [Int]) -> UInt32 {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4 * indices.count)
        for index in indices { withUnsafeBytes(of: UInt32(index).littleEndian) { bytes.append(contentsOf: $0) } }
        return CRC32.checksum(bytes)
    }

    static func hex32(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
