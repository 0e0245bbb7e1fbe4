/// The `range` last stage: the body's bytes through a ``RangeEncoder``. Each byte is first a binary
/// decision, zero or not; a non-zero byte then follows as eight decisions down a bit tree (most
/// significant bit first). Every decision has its model, chosen by the byte before (order-1
/// context) and by the bits coded so far in the byte, as in LZMA's literal coder.
///
/// Quantized levels are a few small values, mostly zero, often in runs: the models learn their
/// frequencies, and what follows what, as they go, so nothing is sent about the distribution. A
/// zero after a zero, the commonest byte, costs one decision the model is nearly sure of.
enum AdaptiveByteCoding {
    /// Probability slots for each previous byte: the zero decision at 0, then the bit tree's 255
    /// nodes at 1…255.
    private static let modelSize = 256 * 256

    /// The range-coded form of `bytes`.
    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var encoder = RangeEncoder(capacity: bytes.count / 4 + 16)
        var models = [UInt16](repeating: RangeEncoder.evenOdds, count: modelSize)
        models.withUnsafeMutableBufferPointer { models in
            var previous = 0
            for byte in bytes {
                let base = previous << 8
                encoder.encode(byte != 0, probability: &models[base])
                previous = Int(byte)
                guard byte != 0 else { continue }
                var node = 1
                for shift in (0..<8).reversed() {
                    let bit = (Int(byte) >> shift) & 1
                    encoder.encode(bit == 1, probability: &models[base + node])
                    node = node << 1 | bit
                }
            }
        }
        return encoder.finish()
    }

    /// Decodes exactly `count` bytes from `input`, which must end where they do. The caller bounds
    /// `count` before calling: it is the one allocation.
    static func decode(_ input: ArraySlice<UInt8>, count: Int) throws -> [UInt8] {
        var decoder = try RangeDecoder(input)
        var models = [UInt16](repeating: RangeEncoder.evenOdds, count: modelSize)
        var bytes = [UInt8](repeating: 0, count: count)
        try models.withUnsafeMutableBufferPointer { models in
            var previous = 0
            for index in 0..<count {
                let base = previous << 8
                guard try decoder.decode(probability: &models[base]) else {
                    previous = 0
                    continue
                }
                var node = 1
                for _ in 0..<8 { node = node << 1 | (try decoder.decode(probability: &models[base + node]) ? 1 : 0) }
                previous = node & 0xFF
                guard previous != 0 else { throw CodecError.corrupt("range-coded byte \(index) is 0 after a non-zero decision") }
                bytes[index] = UInt8(previous)
            }
        }
        try decoder.finish()
        return bytes
    }
}
