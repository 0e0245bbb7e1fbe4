import FedZlib

/// What a pipeline does last to the body (sparse indices and quantized values): one of two
/// lossless coders, each named in the header, so the decoder needs nothing from the job.
public enum LastStage: Sendable, Hashable {
    /// Deflate (RFC 1950) at `level`, searching as `strategy` says (`zlib[:LEVEL]`, `zlib:rle`,
    /// `zlib:huffman`). The strategy is the encoder's choice: inflate reads every one alike.
    case zlib(level: Int32, strategy: ZlibStrategy)
    /// The adaptive range coder (`range`): each byte coded under a model of the byte before it.
    case rangeCoder

    /// The header flag bit that names the stage.
    var flag: UInt8 {
        switch self {
        case .zlib: return 2
        case .rangeCoder: return 4
        }
    }

    /// The coded form of `body`.
    func encode(_ body: [UInt8]) -> [UInt8] {
        switch self {
        case .zlib(let level, let strategy):
            // The level was validated when the spec was parsed, so compression cannot fail.
            return try! Zlib.compress(body, level: level, strategy: strategy)
        case .rangeCoder:
            return AdaptiveByteCoding.encode(body)
        }
    }

    /// The SPEC text of the stage.
    var description: String {
        switch self {
        case .zlib(let level, .standard): return level == 6 ? "zlib" : "zlib:\(level)"
        case .zlib(_, .runLength): return "zlib:rle"
        case .zlib(_, .huffmanOnly): return "zlib:huffman"
        case .rangeCoder: return "range"
        }
    }
}
