/// How values are written after any sparsification: the quantization stage of a ``CodecSpec``.
public enum Quantizer: Sendable, Hashable {
    /// Four bytes a value, exact.
    case float32
    /// IEEE half precision, two bytes a value; relative error at most 2^-11 in the normal range,
    /// magnitudes clamped to 65,504.
    case fp16
    /// One signed byte a value with a float32 scale per block (`block` 0: one scale for the tensor);
    /// error at most half a step (scale = max |v| / 127), or under one step when stochastic (unbiased).
    case int8(block: Int, stochastic: Bool)
    /// QSGD (Alistarh et al. 2017): `norm * sign(v) * l / s` with `l` in 0...s drawn so the estimate is
    /// unbiased; one byte a value before zlib, mostly zeros for small `s`.
    case qsgd(levels: Int)
    /// One bit a value: `+scale` or `-scale`, scale = mean |v|.
    case sign

    /// The wire id of the quantizer.
    var wireID: UInt8 {
        switch self {
        case .float32: return 0
        case .fp16: return 1
        case .int8: return 2
        case .qsgd: return 3
        case .sign: return 4
        }
    }

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
        default:  // int8
            var block = 0
            var stochastic = false
            for argument in arguments {
                if argument == "stochastic" {
                    stochastic = true
                } else if let size = Int(argument), size > 0, size <= 1 << 24 {
                    block = size
                } else {
                    throw fail("int8 takes a block size and/or 'stochastic', e.g. int8:256:stochastic")
                }
            }
            self = .int8(block: block, stochastic: stochastic)
        }
    }
}
