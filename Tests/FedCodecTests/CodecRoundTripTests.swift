import FedCodec
import FedData
import Testing

/// Random vectors of assorted sizes (including empty, single, and non-multiples of 8) and scales.
func randomVectors(seed: UInt64, count: Int = 30) -> [[Float]] {
    var generator = SeededGenerator(seed: seed)
    let sizes = [0, 1, 7, 8, 9, 255, 256, 257, 1000, 4099]
    return (0..<count).map { i in
        let scale = [1e-4, 0.01, 1, 50][i % 4]
        return (0..<sizes[i % sizes.count]).map { _ in Float(generator.nextNormal() * scale) }
    }
}

func roundTrip(_ values: [Float], _ spec: String, seed: UInt64 = 1) throws -> [Float] {
    var generator = SeededGenerator(seed: seed)
    let encoded = TensorCodec.encode(values, spec: try CodecSpec(parsing: spec), generator: &generator)
    #expect(encoded.sizes.encoded == encoded.tensor.bytes.count)
    let (decoded, sizes) = try TensorCodec.decodeWithSizes(encoded.tensor, expectedCount: values.count)
    #expect(sizes == encoded.sizes, "decoder and encoder agree on the stage sizes")
    return decoded
}

@Suite struct CodecRoundTripTests {
    @Test func noneIsExact() throws {
        for values in randomVectors(seed: 1) { #expect(try roundTrip(values, "none") == values) }
    }

    @Test(arguments: ["zlib:1", "zlib:rle", "zlib:huffman", "range"])
    func aLastStageAloneIsExact(spec: String) throws {
        for values in randomVectors(seed: 2) { #expect(try roundTrip(values, spec) == values) }
    }

    /// The range coder's model learns skewed levels: mostly-zero 2-bit levels cost far under their
    /// packed 2 bits, and the coder beats deflate's Huffman-only coding of the same bytes.
    @Test func theRangeCoderCompressesSkewedLevelsBelowTheirPackedSize() throws {
        var generator = SeededGenerator(seed: 12)
        let values = (0..<100_000).map { _ in Float(generator.nextNormal() * 0.01 * (generator.nextUnit() < 0.02 ? 10 : 1)) }
        func size(_ spec: String) throws -> StageSizes {
            TensorCodec.encode(values, spec: try CodecSpec(parsing: spec), generator: &generator).sizes
        }
        let ranged = try size("int2+range")
        #expect(ranged.encoded < ranged.quantized / 4)
        #expect(ranged.encoded < (try size("int2+zlib:huffman")).encoded)
    }

    @Test func fp16ErrorIsWithinHalfPrecision() throws {
        for values in randomVectors(seed: 3) {
            for (v, d) in zip(values, try roundTrip(values, "fp16+zlib")) {
                #expect(abs(v - d) <= abs(v) * 0x1p-11 + 0x1p-24, "\(v) -> \(d)")
            }
        }
    }

    @Test func fp16ClampsWhatHalfPrecisionCannotHold() throws {
        #expect(try roundTrip([1e6, -1e6, 3], "fp16") == [65_504, -65_504, 3])
    }

    @Test(arguments: ["int8", "int8:256", "int8:7", "int4", "int4:64", "int4:7", "int2", "int2:32", "int2:5"])
    func integerErrorIsAtMostHalfAStep(spec: String) throws {
        let parts = spec.split(separator: ":")
        let block = parts.count == 1 ? Int.max : Int(parts[1])!
        let largest = Float((1 << (Int(parts[0].dropFirst(3))! - 1)) - 1)
        let lastStages = ["+zlib", "+range", "+zlib:rle", ""]
        for (index, values) in randomVectors(seed: 4).enumerated() where !values.isEmpty {
            let decoded = try roundTrip(values, spec + lastStages[index % lastStages.count])
            for (i, (v, d)) in zip(values, decoded).enumerated() {
                let start = block == .max ? 0 : (i / block) * block
                let end = block == .max ? values.count : min(start + block, values.count)
                let step = values[start..<end].map(\.magnitude).max()! / largest
                #expect(abs(v - d) <= step / 2 * 1.0001 + 1e-12, "value \(i): \(v) -> \(d), step \(step)")
            }
        }
    }

    @Test(arguments: [(8, 1000), (4, 500), (2, 250)])
    func integerLevelsArePackedDensely(bits: Int, levelBytes: Int) throws {
        var generator = SeededGenerator(seed: 11)
        let values = (0..<1000).map { _ in Float(generator.nextNormal()) }
        // One float32 scale per 100-value block, then the levels.
        let sizes = TensorCodec.encode(values, spec: try CodecSpec(parsing: "int\(bits):100"), generator: &generator).sizes
        #expect(sizes.quantized == 10 * 4 + levelBytes)
    }

    @Test(arguments: [(8, Float(127)), (4, 7), (2, 1)])
    func stochasticIntegerErrorIsUnderOneStepAndUnbiased(bits: Int, largest: Float) throws {
        let values = (0..<64).map { Float($0) / 63 - 0.5 }
        let step = 0.5 / largest
        var sums = [Double](repeating: 0, count: values.count)
        let trials = 400
        for trial in 0..<trials {
            let decoded = try roundTrip(values, "int\(bits):stochastic", seed: UInt64(trial))
            for (i, (v, d)) in zip(values, decoded).enumerated() {
                #expect(abs(v - d) < step * 1.0001)
                sums[i] += Double(d)
            }
        }
        // The mean of 400 draws is within 4 standard errors (step / 2 / sqrt(400)) of the value.
        for (v, sum) in zip(values, sums) { #expect(abs(sum / Double(trials) - Double(v)) < 4 * Double(step) / 2 / 20) }
    }

    @Test(arguments: [1, 4, 16, 127])
    func qsgdIsOffByAtMostOneLevel(levels: Int) throws {
        for values in randomVectors(seed: 5) where !values.isEmpty {
            let norm = values.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
            for (v, d) in zip(values, try roundTrip(values, "qsgd:\(levels)+zlib")) {
                #expect(abs(v - d) <= norm / Float(levels) * 1.0001)
                #expect(d == 0 || (d < 0) == (v < 0))
            }
        }
    }

    @Test func qsgdIsUnbiased() throws {
        let values: [Float] = [0.3, -0.1, 0.05, 0, 0.9, -0.4]
        var sums = [Double](repeating: 0, count: values.count)
        for trial in 0..<2000 {
            for (i, d) in try roundTrip(values, "qsgd:2", seed: UInt64(trial)).enumerated() { sums[i] += Double(d) }
        }
        for (v, sum) in zip(values, sums) { #expect(abs(sum / 2000 - Double(v)) < 0.03) }
    }

    @Test func signKeepsSignsScaledByTheMeanMagnitude() throws {
        for values in randomVectors(seed: 6) where !values.isEmpty {
            let scale = values.reduce(Float(0)) { $0 + $1.magnitude } / Float(values.count)
            for (v, d) in zip(values, try roundTrip(values, "sign+zlib")) { #expect(d == (v >= 0 ? scale : -scale)) }
        }
    }

    @Test(arguments: [0.001, 0.01, 0.3, 1.0])
    func topKKeepsExactlyKLargestMagnitudes(fraction: Double) throws {
        for values in randomVectors(seed: 7) where !values.isEmpty {
            let decoded = try roundTrip(values, "topk:\(fraction)")
            let k = min(values.count, max(1, Int((fraction * Double(values.count)).rounded())))
            let kept = decoded.indices.filter { decoded[$0] != 0 }
            #expect(kept.count == k)
            for i in kept { #expect(decoded[i] == values[i]) }
            let smallestKept = kept.map { values[$0].magnitude }.min() ?? .infinity
            let largestDropped = decoded.indices.filter { decoded[$0] == 0 }.map { values[$0].magnitude }.max() ?? 0
            #expect(smallestKept >= largestDropped)
        }
    }

    @Test func topKBreaksTiesToExactlyK() throws {
        #expect(try roundTrip([1, 1, 1, 1, 1, 1, 1, 1, 1, 1], "topk:0.3") == [1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func topKThenInt8ThenZlibComposes() throws {
        for values in randomVectors(seed: 8) where values.count > 100 {
            let decoded = try roundTrip(values, "topk:0.01+int8+zlib")
            let sparse = try roundTrip(values, "topk:0.01")
            let step = sparse.map(\.magnitude).max()! / 127
            for (s, d) in zip(sparse, decoded) { #expect(abs(s - d) <= step / 2 * 1.0001) }
        }
    }

    @Test func sparseIndicesUseTheSmallerEncoding() throws {
        var generator = SeededGenerator(seed: 9)
        let values = (0..<10_000).map { _ in Float(generator.nextNormal()) }
        let few = TensorCodec.encode(values, spec: try CodecSpec(parsing: "topk:0.001"), generator: &generator)
        let many = TensorCodec.encode(values, spec: try CodecSpec(parsing: "topk:0.5"), generator: &generator)
        // 10 indices as varint gaps: at most 2 bytes each. 5,000 indices: the 1,250-byte bitmap.
        #expect(few.sizes.sparsified <= 9 + 2 * 10 + 4 * 10)
        #expect(many.sizes.sparsified == 9 + 1250 + 4 * 5000)
    }

    @Test func compressionRatiosAreWhatTheStagesPromise() throws {
        var generator = SeededGenerator(seed: 10)
        let values = (0..<100_000).map { _ in Float(generator.nextNormal() * 0.01) }
        func size(_ spec: String) throws -> StageSizes {
            TensorCodec.encode(values, spec: try CodecSpec(parsing: spec), generator: &generator).sizes
        }
        #expect(try size("fp16").quantized == 200_000)
        #expect(try size("int8").quantized == 100_004)
        #expect(try size("sign").quantized == 4 + 12_500)
        #expect(try size("qsgd:4+zlib").encoded < 25_000)
        #expect(try size("topk:0.01+int8+zlib").encoded < 3_000)
    }
}
