/// How big an encoded tensor was after each stage of its pipeline, for the ledger.
public struct StageSizes: Sendable, Hashable, Codable {
    /// Dense float32: 4 bytes a value.
    public var raw: Int
    /// After sparsification: kept values as float32 plus the index section (`raw` when dense).
    public var sparsified: Int
    /// After quantization: the body before zlib (header excluded).
    public var quantized: Int
    /// What travels: the whole encoded tensor, header included.
    public var encoded: Int

    /// Creates sizes.
    public init(raw: Int, sparsified: Int, quantized: Int, encoded: Int) {
        self.raw = raw
        self.sparsified = sparsified
        self.quantized = quantized
        self.encoded = encoded
    }

    /// Zero sizes, to add to.
    public static let zero = StageSizes(raw: 0, sparsified: 0, quantized: 0, encoded: 0)

    /// Stage-by-stage sum.
    public static func + (a: StageSizes, b: StageSizes) -> StageSizes {
        StageSizes(raw: a.raw + b.raw, sparsified: a.sparsified + b.sparsified, quantized: a.quantized + b.quantized, encoded: a.encoded + b.encoded)
    }
}
