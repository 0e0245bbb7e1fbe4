import FedCodec
import FedData
import Foundation
import Testing

/// The codec vectors other-language clients are tested against
/// (Clients/python/tests/fixtures/codec_vectors.json): each case's input, its encoding by this
/// build's codecs and what that encoding decodes to. This test checks that the committed file is
/// still what the codecs produce; `FEDWATT_WRITE_CODEC_FIXTURES=1 swift test --filter CodecFixtureTests`
/// rewrites it from them.
@Suite struct CodecFixtureTests {
    static let fixturePath = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Clients/python/tests/fixtures/codec_vectors.json").path

    /// Seed of the generator that drives stochastic rounding; case `i` uses stream `i`.
    static let generatorSeed: UInt64 = 2026

    /// Named inputs, each chosen to pin down one rule.
    static let inputs: [String: [Float]] = {
        var generator = SeededGenerator(seed: 14)
        let random37 = (0..<37).map { _ in Float(generator.nextNormal() * 0.05) }
        let random300 = (0..<300).map { i in Float(generator.nextNormal() * (i % 50 == 0 ? 1 : 0.01)) }
        return [
            "random37": random37,
            "random300": random300,
            // max |v| = 127 makes the int8 scale exactly 1, so these are rounding halves (away from zero).
            "int8-halves": [127, 2.5, -2.5, 0.5, -0.5, 126.5, 1.4999999, 0, -0.0, -127, 3.5, 64.5],
            // Beyond ±65,504 fp16 clamps; 65,519 rounds to 65,504; tiny values go subnormal or to zero.
            "fp16-edges": [70_000, -1e6, 65_504, 65_519, -65_520, 1e-8, 6e-5, 0.1, -0.0, 1],
            // Thirteen values: two sign bytes, the second partial; zero counts as non-negative.
            "sign-bits": [1, -1, 0, -0.0, 2, -3, 4, -5, 6, 7, -8, 9, -10],
            // Equal magnitudes at the top-k threshold go to the lower indices.
            "topk-ties": [1, -1, 1, 0.5, -1],
        ]
    }()

    /// (spec, input name) for every case, in order.
    static let cases: [(spec: String, input: String)] = [
        ("none", "random37"), ("zlib", "random37"), ("zlib:1", "random300"),
        ("fp16", "fp16-edges"), ("fp16+zlib", "random300"),
        ("int8", "int8-halves"), ("int8", "random37"), ("int8:16", "random300"), ("int8+zlib", "random300"),
        ("int8:stochastic", "random37"), ("int8:64:stochastic+zlib", "random300"),
        ("qsgd:4", "random37"), ("qsgd:16+zlib", "random300"),
        ("sign", "sign-bits"), ("sign+zlib", "random300"),
        ("topk:0.4", "topk-ties"), ("topk:0.05+int8+zlib", "random300"), ("topk:0.5+fp16", "random300"),
        ("topk:0.25+sign", "random37"), ("topk:0.2+qsgd:8+zlib", "random300"),
        ("int4", "random37"), ("int2:16", "random300"), ("int4:64:stochastic+zlib:rle", "random300"),
        ("int2:32:stochastic", "random37"), ("int2+range", "random300"), ("qsgd:4+range", "random300"),
        ("topk:0.1+int4+zlib:huffman", "random300"), ("range", "random37"), ("topk:0.05+int8+range", "random300"),
    ]

    /// Every case as this build encodes and decodes it, in the fixture's JSON shape.
    static func computedCases() throws -> [[String: Any]] {
        try cases.enumerated().map { index, entry in
            let values = inputs[entry.input]!
            var generator = SeededGenerator(seed: generatorSeed, stream: UInt64(index))
            let tensor = TensorCodec.encode(values, spec: try CodecSpec(parsing: entry.spec), generator: &generator).tensor
            let decoded = try TensorCodec.decode(tensor, expectedCount: values.count)
            return [
                "spec": entry.spec, "input": entry.input, "stream": index, "valueCount": tensor.valueCount,
                "inputFloat32": hex(floatBytes(values)), "codec": Int(tensor.codec.rawValue), "bytes": hex(tensor.bytes),
                "decodedFloat32": hex(floatBytes(decoded)),
            ]
        }
    }

    static func floatBytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String($0, radix: 16) }.map { $0.count == 1 ? "0" + $0 : $0 }.joined()
    }

    static func fixtureJSON() throws -> Data {
        let document: [String: Any] = [
            "about": "Written by Tests/FedCodecTests/CodecFixtureTests.swift from FedWatt's Swift codecs; "
                + "case i encodes inputFloat32 with spec under SeededGenerator(seed: generatorSeed, stream: i).",
            "generatorSeed": Int(generatorSeed),
            "cases": try computedCases(),
        ]
        return try JSONSerialization.data(withJSONObject: document, options: [.prettyPrinted, .sortedKeys])
    }

    @Test func committedFixturesAreWhatTheCodecsProduce() throws {
        let computed = try Self.fixtureJSON()
        if ProcessInfo.processInfo.environment["FEDWATT_WRITE_CODEC_FIXTURES"] != nil {
            try computed.write(to: URL(fileURLWithPath: Self.fixturePath))
        }
        let committed = try Data(contentsOf: URL(fileURLWithPath: Self.fixturePath))
        #expect(committed == computed, "regenerate with FEDWATT_WRITE_CODEC_FIXTURES=1 if the codecs changed on purpose")
    }

    @Test func int8RoundsHalvesAwayFromZero() throws {
        let values = Self.inputs["int8-halves"]!
        var generator = SeededGenerator(seed: 1)
        let tensor = TensorCodec.encode(values, spec: try CodecSpec(parsing: "int8"), generator: &generator).tensor
        // Header (3 + 5 bytes), one float32 scale of 1, then the levels.
        let levels = tensor.bytes[12...].map { Int(Int8(bitPattern: $0)) }
        #expect(levels == [127, 3, -3, 1, -1, 127, 1, 0, 0, -127, 4, 65])
    }
}
