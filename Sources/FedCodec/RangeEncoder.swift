/// A binary arithmetic coder in the form LZMA uses (a 32-bit range, carries propagated through a
/// cached byte): each bit is coded against an adaptive probability, so a bit that its model expects
/// costs far less than one bit of output.
///
/// Probabilities are 15-bit estimates that the next bit is 0 (LZMA's are 11-bit; the finer scale
/// lets a bit the model is nearly sure of cost 0.0014 bits instead of 0.022), moved 1/32 of the way
/// towards each bit coded. ``RangeDecoder`` mirrors every step, so it needs only the output and the
/// same models.
struct RangeEncoder {
    /// The denominator of a probability: `probability / 2^15` is the chance of a 0.
    static let probabilityBits: UInt32 = 15
    /// A model that has seen nothing: even odds.
    static let evenOdds: UInt16 = 1 << 14
    /// How fast a probability adapts: 1/2^5 of the distance to the coded bit.
    static let adaptationShift: UInt16 = 5
    /// Below this the range is renormalised by a byte.
    static let renormalisationThreshold: UInt32 = 1 << 24

    private(set) var output: [UInt8] = []
    private var low: UInt64 = 0
    private var range: UInt32 = 0xFFFF_FFFF
    private var cache: UInt8 = 0
    private var pendingBytes = 1

    init(capacity: Int) { output.reserveCapacity(capacity) }

    /// Codes `bit` with `probability` (of a 0) and adapts the probability towards it.
    @inline(__always)
    mutating func encode(_ bit: Bool, probability: inout UInt16) {
        let bound = (range >> Self.probabilityBits) &* UInt32(probability)
        if bit {
            low &+= UInt64(bound)
            range &-= bound
            probability &-= probability >> Self.adaptationShift
        } else {
            range = bound
            probability &+= ((1 << Self.probabilityBits) - probability) >> Self.adaptationShift
        }
        while range < Self.renormalisationThreshold {
            range <<= 8
            shiftLow()
        }
    }

    /// Writes the last bytes; the output is then complete.
    mutating func finish() -> [UInt8] {
        for _ in 0..<5 { shiftLow() }
        return output
    }

    /// Moves the top byte of `low` out, holding back 0xFF bytes until a carry is settled.
    private mutating func shiftLow() {
        if low < 0xFF00_0000 || low >= 1 << 32 {
            let carry = UInt8(truncatingIfNeeded: low >> 32)
            var byte = cache
            repeat {
                output.append(byte &+ carry)
                byte = 0xFF
                pendingBytes -= 1
            } while pendingBytes != 0
            cache = UInt8(truncatingIfNeeded: low >> 24)
        }
        pendingBytes += 1
        low = (low & 0x00FF_FFFF) << 8
    }
}
