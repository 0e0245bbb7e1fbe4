/// Reads what ``RangeEncoder`` wrote, step for step with the same models. It refuses a stream that
/// does not start as the encoder starts, ends before the decoding does, or does not end where the
/// encoder's flush ends.
struct RangeDecoder {
    private let input: ArraySlice<UInt8>
    private var position: Int
    private var range: UInt32 = 0xFFFF_FFFF
    private var code: UInt32 = 0

    /// Starts on `input`: a zero byte, then the first four bytes of the code.
    init(_ input: ArraySlice<UInt8>) throws {
        self.input = input
        position = input.startIndex
        guard try nextByte() == 0 else { throw CodecError.corrupt("range-coded body does not start with a zero byte") }
        for _ in 0..<4 { code = code << 8 | UInt32(try nextByte()) }
        guard code < range else { throw CodecError.corrupt("range-coded body starts with a code beyond its range") }
    }

    /// Decodes one bit coded with `probability` and adapts the probability as the encoder did.
    @inline(__always)
    mutating func decode(probability: inout UInt16) throws -> Bool {
        let bound = (range >> RangeEncoder.probabilityBits) &* UInt32(probability)
        let bit: Bool
        if code < bound {
            range = bound
            probability &+= ((1 << RangeEncoder.probabilityBits) - probability) >> RangeEncoder.adaptationShift
            bit = false
        } else {
            code &-= bound
            range &-= bound
            probability &-= probability >> RangeEncoder.adaptationShift
            bit = true
        }
        while range < RangeEncoder.renormalisationThreshold {
            range <<= 8
            code = code << 8 | UInt32(try nextByte())
        }
        return bit
    }

    /// Checks that the stream ended exactly where the encoder's flush ends it.
    func finish() throws {
        guard position == input.endIndex else { throw CodecError.trailingBytes(input.endIndex - position) }
        guard code == 0 else { throw CodecError.corrupt("range-coded body does not end as its encoder ends it") }
    }

    @inline(__always)
    private mutating func nextByte() throws -> UInt8 {
        guard position < input.endIndex else { throw CodecError.truncated("range-coded body") }
        defer { position += 1 }
        return input[position]
    }
}
