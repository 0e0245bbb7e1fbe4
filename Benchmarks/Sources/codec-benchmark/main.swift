// Encode and decode throughput of each codec stage and pipeline on a 1M-parameter delta, beside
// plain zlib compress/uncompress of the same float32 bytes measured in the same run (the bound).
// First, the CRC-32 every frame carries, over the same bytes: FedWatt's (libdeflate's) and zlib's.
//
// Usage: codec-benchmark [REPEATS]   (Benchmarks/run-codec-benchmark.sh runs it, release build)
import CZlib
import FedCodec
import FedData
import FedLearning
import FedZlib
import Foundation

let repeats = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 5 : 5
let count = 1_000_000
var generator = SeededGenerator(seed: 1)
// A delta-like vector: mostly small values with a heavier tail, as local SGD deltas have.
let delta = (0..<count).map { _ in Float(generator.nextNormal() * 0.01 * (generator.nextUnit() < 0.05 ? 5 : 1)) }
let rawBytes = count * 4

/// Median wall seconds of `repeats` runs of `work` (after one warm-up).
func median(_ work: () throws -> Void) rethrows -> Double {
    try work()
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        try work()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
    }
    return times.sorted()[times.count / 2]
}

/// Median CPU seconds of this thread over `repeats` runs of `work` (after one warm-up): on a shared
/// host, wall time would count the other processes' turns too.
func medianCPU(_ work: () -> Void) -> Double {
    work()
    var times: [Double] = []
    for _ in 0..<repeats {
        let start = ThreadCPUClock.seconds()
        work()
        times.append(ThreadCPUClock.seconds() - start)
    }
    return times.sorted()[times.count / 2]
}

func row(_ name: String, size: Int, encode: Double, decode: Double) {
    let megabytes = Double(rawBytes) / 1e6
    print(name.padding(toLength: 24, withPad: " ", startingAt: 0)
        + String(format: "%11d %9.1fx %9.2f %9.2f %10.0f %10.0f", size, Double(rawBytes) / Double(size),
            encode * 1e3, decode * 1e3, megabytes / encode, megabytes / decode))
}

let float32Bytes = TensorCodec.encode(delta).bytes
let zlibCRC = medianCPU {
    _ = float32Bytes.withUnsafeBytes { crc32(0, $0.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt($0.count)) }
}
let fedCRC = medianCPU { _ = CRC32.checksum(float32Bytes) }
print(String(
    format: "CRC-32 of the 4,000,000 bytes, median thread CPU time of %d: CRC32 (libdeflate) %.0f MB/s, zlib's crc32 %.0f MB/s (%.1fx)\n",
    repeats, Double(rawBytes) / 1e6 / fedCRC, Double(rawBytes) / 1e6 / zlibCRC, zlibCRC / fedCRC))

print("1,000,000-value delta (4,000,000 bytes as float32), median of \(repeats)")
print("stage or pipeline        bytes out     ratio encode ms decode ms enc MB/s   dec MB/s")
for level: Int32 in [1, 6] {
    var compressed: [UInt8] = []
    let encode = try median { compressed = try Zlib.compress(float32Bytes, level: level) }
    let decode = try median { _ = try Zlib.decompress(compressed, maxOutputSize: rawBytes, expectedSize: rawBytes) }
    row("plain zlib:\(level) (bound)", size: compressed.count, encode: encode, decode: decode)
}
let specs = [
    "none", "fp16", "int8", "int8:256", "int8:stochastic", "int4:64", "int4:64:stochastic", "int2:64", "int2:64:stochastic",
    "qsgd:16", "qsgd:4", "sign", "topk:0.01", "zlib:1", "zlib", "zlib:rle", "zlib:huffman", "range",
    "fp16+zlib", "int8+zlib", "int8+zlib:rle", "int8+zlib:huffman", "int8+range",
    "int4:64+zlib", "int4:64+zlib:rle", "int4:64+zlib:huffman", "int4:64+range",
    "int2:64+zlib", "int2:64+zlib:rle", "int2:64+zlib:huffman", "int2:64+range",
    "qsgd:16+zlib", "qsgd:16+range", "qsgd:4+zlib", "qsgd:4+zlib:rle", "qsgd:4+zlib:huffman", "qsgd:4+range",
    "sign+zlib", "sign+range", "topk:0.01+int8+zlib", "topk:0.01+int8+range", "topk:0.01+int4+range",
]
for text in specs {
    let spec = try CodecSpec(parsing: text)
    var tensor = EncodedTensor(codec: .float32, valueCount: 0, bytes: [])
    let encode = median { tensor = TensorCodec.encode(delta, spec: spec, generator: &generator).tensor }
    let decode = try median { _ = try TensorCodec.decode(tensor, expectedCount: count) }
    row(text, size: tensor.bytes.count, encode: encode, decode: decode)
}
