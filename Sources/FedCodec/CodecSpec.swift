/// A compression pipeline, parsed from a SPEC string: stages joined by `+`, in the order they run.
///
/// ```
/// none                       float32 as it is
/// fp16+zlib                  half precision, then deflate
/// int8+zlib   int8:256       8-bit with one scale per tensor, or per block of 256 values;
///                            `int8:stochastic` (or `int8:256:stochastic`) rounds stochastically
/// int4:64+range  int2:64     4-bit and 2-bit levels packed densely, same arguments as int8
/// qsgd:16+zlib               QSGD with 16 levels (Alistarh et al. 2017), unbiased
/// sign+zlib                  1 bit per value, scaled by the mean magnitude (EF-signSGD)
/// topk:0.01+int8+zlib        keep the 1% largest magnitudes, then quantize, then deflate
/// zlib:9                     deflate at level 9 (1 fastest ... 9 smallest; default 6)
/// zlib:rle  zlib:huffman     deflate with zlib's Z_RLE or Z_HUFFMAN_ONLY strategy
/// qsgd:4+range               the adaptive range coder in place of zlib
/// ```
///
/// At most one sparsifier (first), at most one quantizer, and one last stage (zlib or range).
public struct CodecSpec: Sendable, Hashable, CustomStringConvertible, Codable {
    /// Fraction of values top-k keeps (nil: dense).
    public var topKFraction: Double?
    /// How the kept values are written.
    public var quantizer: Quantizer
    /// The lossless coder of the body (nil: none).
    public var lastStage: LastStage?

    /// The pipeline that writes plain float32.
    public static let none = CodecSpec(topKFraction: nil, quantizer: .float32, lastStage: nil)

    /// Creates a pipeline from its stages.
    public init(topKFraction: Double?, quantizer: Quantizer, lastStage: LastStage?) {
        self.topKFraction = topKFraction
        self.quantizer = quantizer
        self.lastStage = lastStage
    }

    /// Parses a SPEC string, throwing ``CodecError/invalidSpec(_:_:)`` that says what to write instead.
    public init(parsing text: String) throws {
        self = .none
        let trimmed = text.lowercased().trimmingCharacters(in: .whitespaces)
        guard trimmed != "none", trimmed != "float32" else { return }
        var sawQuantizer = false
        let stages = trimmed.split(separator: "+", omittingEmptySubsequences: false).map(String.init)
        for (position, stage) in stages.enumerated() {
            let parts = stage.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            let arguments = Array(parts.dropFirst())
            func fail(_ why: String) -> CodecError { CodecError.invalidSpec(text, why) }
            switch parts[0] {
            case "topk":
                guard position == 0 else { throw fail("topk must be the first stage") }
                guard arguments.count == 1, let fraction = Double(arguments[0]), fraction > 0, fraction <= 1 else {
                    throw fail("topk needs a fraction in (0, 1], e.g. topk:0.01")
                }
                topKFraction = fraction
            case let name where Quantizer.names.contains(name):
                guard !sawQuantizer else { throw fail("only one of \(Quantizer.names.joined(separator: ", "))") }
                sawQuantizer = true
                quantizer = try Quantizer(name: parts[0], arguments: arguments) { fail($0) }
            case "zlib":
                guard position == stages.count - 1 else { throw fail("zlib must be the last stage") }
                switch arguments.first {
                case nil: lastStage = .zlib(level: 6, strategy: .standard)
                case "rle" where arguments.count == 1: lastStage = .zlib(level: 6, strategy: .runLength)
                case "huffman" where arguments.count == 1: lastStage = .zlib(level: 6, strategy: .huffmanOnly)
                default:
                    guard arguments.count == 1, let level = Int32(arguments[0]), (1...9).contains(level) else {
                        throw fail("zlib takes a level from 1 to 9 or a strategy, rle or huffman, e.g. zlib:9")
                    }
                    lastStage = .zlib(level: level, strategy: .standard)
                }
            case "range":
                guard position == stages.count - 1 else { throw fail("range must be the last stage") }
                guard arguments.isEmpty else { throw fail("range takes no arguments") }
                lastStage = .rangeCoder
            default:
                throw fail(
                    "unknown stage '\(stage)'; stages are topk:F, fp16, int8|int4|int2[:BLOCK][:stochastic], qsgd:S, sign, "
                        + "zlib[:L|:rle|:huffman], range")
            }
        }
    }

    /// True when compression systematically loses part of the signal (top-k, sign, deterministic
    /// rounding): the client then keeps what was dropped and adds it to its next delta (error feedback).
    public var isBiased: Bool {
        if topKFraction != nil { return true }
        switch quantizer {
        case .float32, .qsgd: return false
        case .fp16, .sign: return true
        case .integer(_, _, let stochastic): return !stochastic
        }
    }

    /// How many of a tensor's `count` values reach the quantizer: the ones top-k keeps, or all.
    public func keptValues(of count: Int) -> Int {
        topKFraction.map { TopK.keptCount(fraction: $0, of: count) } ?? count
    }

    /// True when decoding gives back exactly what was encoded.
    public var isLossless: Bool { topKFraction == nil && quantizer == .float32 }

    /// The SPEC string, which parses back to the same pipeline.
    public var description: String {
        var stages: [String] = []
        if let topKFraction { stages.append("topk:\(topKFraction)") }
        switch quantizer {
        case .float32: break
        case .fp16: stages.append("fp16")
        case .integer(let bits, let block, let stochastic):
            stages.append("int\(bits)" + (block > 0 ? ":\(block)" : "") + (stochastic ? ":stochastic" : ""))
        case .qsgd(let levels): stages.append("qsgd:\(levels)")
        case .sign: stages.append("sign")
        }
        if let lastStage { stages.append(lastStage.description) }
        return stages.isEmpty ? "none" : stages.joined(separator: "+")
    }

    public init(from decoder: Decoder) throws {
        try self.init(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
