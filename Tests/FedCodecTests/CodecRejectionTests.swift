import FedCodec
import FedData
import FedZlib
import Foundation
import Testing

func encoded(_ values: [Float], _ spec: String) throws -> EncodedTensor {
    var generator = SeededGenerator(seed: 1)
    return TensorCodec.encode(values, spec: try CodecSpec(parsing: spec), generator: &generator).tensor
}

let specs = [
    "none", "zlib", "fp16", "int8:16", "int8+zlib", "qsgd:16+zlib", "sign", "topk:0.1", "topk:0.5+int8+zlib", "topk:0.02+sign",
    "int4:16", "int2", "int4:64:stochastic+zlib:rle", "int2:32+zlib:huffman", "range", "int2:64+range", "qsgd:4+range",
    "topk:0.1+int4+range",
]

@Suite struct CodecRejectionTests {
    let values = (0..<300).map { Float(sin(Double($0))) }

    @Test(arguments: specs)
    func everyTruncationIsRefused(spec: String) throws {
        let tensor = try encoded(values, spec)
        for length in 0..<tensor.bytes.count {
            let cut = EncodedTensor(codec: tensor.codec, valueCount: tensor.valueCount, bytes: Array(tensor.bytes[..<length]))
            #expect(throws: CodecError.self) { try TensorCodec.decode(cut, expectedCount: values.count) }
        }
    }

    @Test(arguments: specs)
    func trailingBytesAreRefused(spec: String) throws {
        var tensor = try encoded(values, spec)
        tensor.bytes.append(0)
        #expect(throws: CodecError.self) { try TensorCodec.decode(tensor, expectedCount: values.count) }
    }

    @Test(arguments: specs)
    func aValueCountOtherThanTheModelsIsRefused(spec: String) throws {
        let tensor = try encoded(values, spec)
        #expect(throws: CodecError.wrongValueCount(declared: 300, expected: 299)) {
            try TensorCodec.decode(tensor, expectedCount: 299)
        }
    }

    /// Flip every byte of the header and body in turn: decoding either refuses or yields exactly
    /// the right number of values; it never crashes or returns a partial vector.
    @Test(arguments: specs)
    func corruptedBytesNeverCrashTheDecoder(spec: String) throws {
        let tensor = try encoded(values, spec)
        for position in 0..<tensor.bytes.count {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var bytes = tensor.bytes
                bytes[position] ^= flip
                let corrupt = EncodedTensor(codec: tensor.codec, valueCount: tensor.valueCount, bytes: bytes)
                if let decoded = try? TensorCodec.decode(corrupt, expectedCount: values.count) {
                    #expect(decoded.count == values.count)
                }
            }
        }
    }

    @Test func declaredBodyLargerThanAnyValidOneIsRefusedBeforeInflating() throws {
        // Header: version 1, flags zlib, quantizer float32, body length 2^31.
        let bytes: [UInt8] = [1, 2, 0, 0, 0, 0, 0x80] + (try Zlib.compress([UInt8](repeating: 0, count: 1 << 20)))
        #expect(throws: CodecError.outOfRange("body of 2147483648 bytes for 10 values")) {
            try TensorCodec.decode(EncodedTensor(codec: .pipeline, valueCount: 10, bytes: bytes), expectedCount: 10)
        }
    }

    @Test func zlibBombIsStoppedAtTheDeclaredLength() throws {
        // Declares a 40-byte body (10 float32 values) but the stream inflates to 1 MiB of zeros.
        let bytes: [UInt8] = [1, 2, 0, 40, 0, 0, 0] + (try Zlib.compress([UInt8](repeating: 0, count: 1 << 20)))
        #expect {
            try TensorCodec.decode(EncodedTensor(codec: .pipeline, valueCount: 10, bytes: bytes), expectedCount: 10)
        } throws: { error in
            guard case CodecError.corrupt(let detail) = error else { return false }
            return detail.contains("exceeds the limit of 40")
        }
    }

    @Test func indexBeyondTheVectorIsRefused() throws {
        // Sparse, float32, k = 1, varint mode, 1 index byte: gap 10 -> index 10 of 10 values.
        let bytes: [UInt8] = [1, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 10, 0, 0, 0x80, 0x3F]
        #expect(throws: CodecError.outOfRange("index 10 is not below 10")) {
            try TensorCodec.decode(EncodedTensor(codec: .pipeline, valueCount: 10, bytes: bytes), expectedCount: 10)
        }
    }

    @Test func moreKeptValuesThanTheVectorIsRefused() throws {
        let bytes: [UInt8] = [1, 1, 0, 11, 0, 0, 0, 1, 2, 0, 0, 0, 0xFF, 0x07]
        #expect(throws: CodecError.outOfRange("11 kept values of 10")) {
            try TensorCodec.decode(EncodedTensor(codec: .pipeline, valueCount: 10, bytes: bytes), expectedCount: 10)
        }
    }

    @Test func unknownQuantizerAndNonFiniteScalesAreRefused() throws {
        #expect(throws: CodecError.outOfRange("quantizer id 9")) {
            try TensorCodec.decode(EncodedTensor(codec: .pipeline, valueCount: 0, bytes: [1, 0, 9]), expectedCount: 0)
        }
        let nanScale = [1, 0, 4] + Array(withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { Array($0) }) + [0xFF]
        #expect(throws: CodecError.self) {
            try TensorCodec.decode(EncodedTensor(codec: .pipeline, valueCount: 8, bytes: nanScale), expectedCount: 8)
        }
    }

    @Test func qsgdLevelBeyondItsRangeIsRefused() throws {
        // qsgd:2, norm 1, one value at level 3.
        let bytes: [UInt8] = [1, 0, 3, 2, 0, 0, 0x80, 0x3F, 3]
        #expect(throws: CodecError.outOfRange("qsgd level 3 beyond 2")) {
            try TensorCodec.decode(EncodedTensor(codec: .pipeline, valueCount: 1, bytes: bytes), expectedCount: 1)
        }
    }

    /// A 4-bit tensor of three values: header (version, flags, quantizer 5, width, block, rounding),
    /// scale 1, then `levels` as packed bytes.
    func int4Tensor(levels: [UInt8], width: UInt8 = 4) -> EncodedTensor {
        EncodedTensor(codec: .pipeline, valueCount: 3, bytes: [1, 0, 5, width, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x3F] + levels)
    }

    @Test func packedLevelsDecodeWithTheirSigns() throws {
        // Fields 7, -7 (0b1001) and 0, least significant first; the last byte's high half is padding.
        #expect(try TensorCodec.decode(int4Tensor(levels: [0x97, 0x00]), expectedCount: 3) == [7, -7, 0])
    }

    @Test func theNeverWrittenLevelIsRefused() throws {
        #expect(throws: CodecError.outOfRange("int4 level -8 is never written")) {
            try TensorCodec.decode(int4Tensor(levels: [0x81, 0x00]), expectedCount: 3)
        }
    }

    @Test func paddingBitsOfTheLastByteMustBeZero() throws {
        #expect(throws: CodecError.outOfRange("int4 padding bits of the last byte are not zero")) {
            try TensorCodec.decode(int4Tensor(levels: [0x11, 0x11]), expectedCount: 3)
        }
    }

    @Test(arguments: [UInt8(0), 1, 3, 8, 16])
    func integerWidthsOtherThanFourAndTwoAreRefusedUnderId5(width: UInt8) throws {
        #expect(throws: CodecError.outOfRange("integer width \(width)")) {
            try TensorCodec.decode(int4Tensor(levels: [0x11, 0x01], width: width), expectedCount: 3)
        }
    }

    @Test func zlibAndRangeTogetherAreRefused() throws {
        var tensor = try encoded(values, "int2+range")
        tensor.bytes[1] |= 2
        #expect(throws: CodecError.outOfRange("pipeline flags 6")) { try TensorCodec.decode(tensor, expectedCount: values.count) }
    }

    @Test func aRangeCodedBodyMustStartWithAZeroByte() throws {
        var tensor = try encoded(values, "int4+range")
        // Header: version, flags, quantizer, width, block (4), rounding, body length (4).
        tensor.bytes[13] = 1
        #expect(throws: CodecError.corrupt("range-coded body does not start with a zero byte")) {
            try TensorCodec.decode(tensor, expectedCount: values.count)
        }
    }

    @Test(arguments: [
        "none", "fp16+zlib", "int8:256:stochastic+zlib", "qsgd:16+zlib", "sign+zlib", "topk:0.01+int8+zlib", "zlib:9",
        "int4", "int2:64:stochastic", "int4:128+zlib:rle", "int2+zlib:huffman", "qsgd:4+range", "topk:0.1+int2:32+range",
    ])
    func specStringsRoundTrip(text: String) throws {
        let spec = try CodecSpec(parsing: text)
        #expect(try CodecSpec(parsing: spec.description) == spec)
    }

    @Test(arguments: ["gzip", "zlib+int8", "int8+fp16", "int8+topk:0.1", "topk:0+int8", "topk:2", "qsgd", "qsgd:0", "qsgd:200",
        "zlib:0", "zlib:10", "int8:abc", "fp16:2", "",
        "int3", "int4:0", "int2:abc", "range:1", "range+int8", "zlib:fast", "zlib:rle:9", "int4+range+zlib", "int8+int2"])
    func malformedSpecsAreRefused(text: String) {
        #expect(throws: CodecError.self) { try CodecSpec(parsing: text) }
    }
}
