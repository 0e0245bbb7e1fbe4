/// How values are written after any sparsification: the quantization stage of a ``CodecSpec``.
public enum Quantizer: Sendable, Hashable {
    /// Four bytes a value, exact.
    case float32
    /// IEEE half precision, two bytes a value; relative error at most 2^-11 in the normal range,
    /// magnitudes clamped to 65,504.
    case fp16
    /// A signed integer of `bits` bits (8, 4 or 2) a value, levels −L…L with L = 2^(bits−1) − 1
    /// (127, 7, 1), and a float32 scale per block (`block` 0: one scale for the tensor), scale =
    /// max |v| / L. The error is at most half a step, or under one step when `stochastic` (unbiased).
    /// 4-bit and 2-bit levels are packed densely, two or four to a byte.
    case integer(bits: Int, block: Int, stochastic: Bool)
    /// QSGD (Alistarh et al. 2017): `norm * sign(v) * l / s` with `l` in 0...s drawn so the estimate is
    /// unbiased; one byte a value before the last stage, mostly zeros for small `s`.
    case qsgd(levels: Int)
    /// One bit a value: `+scale` or `-scale`, scale = mean |v|.
    case sign

    /// The wire id of the quantizer.
    var wireID: UInt8 {
        switch self {
        case .float32: return 0
        case .fp16: return 1
        case .integer(bits: 8, _, _): return 2
        case .qsgd: return 3
        case .sign: return 4
        case .integer: return 5
        }
    }

    /// The names a SPEC can use for a quantizer.
    static let names = ["fp16", "int8", "int4", "int2", "qsgd", "sign"]

    init(name: String, arguments: [String], fail: (String) -> CodecError) throws {
        switch name {
        case "fp16":
            guard arguments.isEmpty else { throw fail("fp16 takes no arguments") }
            self = .fp16
        case "sign":
            guard arguments.isEmpty else { throw fail("sign takes no arguments") }
            self = .sign
        case "qsgd":
            guard arguments.count == 1, let levels = Int(arguments[0]), (1...127).contains(levels) else {
                throw fail("qsgd needs a number of levels from 1 to 127, e.g. qsgd:16")
            }
            self = .qsgd(levels: levels)
        default:  // int8, int4, int2
            var block = 0
            var stochastic = false
            for argument in arguments {
                if argument == "stochastic" {
                    stochastic = true
                } else if let size = Int(argument), size > 0, size <= 1 << 24 {
                    block = size
                } else {
                    throw fail("\(name) takes a block size and/or 'stochastic', e.g. \(name):256:stochastic")
                }
            }
            self = .integer(bits: Int(name.dropFirst(3))!, block: block, stochastic: stochastic)
        }
    }
}
