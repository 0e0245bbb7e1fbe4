/// Error feedback for biased compressors (Stich et al. 2018; Karimireddy et al. 2019): what
/// compression dropped from one delta is kept and added to the next, so nothing is lost for good.
///
/// `compensated = delta + residual` is encoded; the new residual is `compensated - decoded`, so
/// `decoded + residual` always equals everything the client has produced so far.
public struct ErrorFeedback: Sendable {
    /// What compression has dropped so far and not yet sent (empty until the first use).
    public private(set) var residual: [Float] = []

    /// Starts with nothing held back.
    public init() {}

    /// Encodes `delta` plus the residual through `spec` and keeps what the encoding dropped.
    public mutating func encode(
        _ delta: [Float], spec: CodecSpec, generator: inout some RandomNumberGenerator
    ) -> (tensor: EncodedTensor, sizes: StageSizes) {
        if residual.count != delta.count { residual = [Float](repeating: 0, count: delta.count) }
        var compensated = delta
        for i in compensated.indices { compensated[i] += residual[i] }
        let encoded = TensorCodec.encode(compensated, spec: spec, generator: &generator)
        // The encoder's own output always decodes to the same length.
        let decoded = try! TensorCodec.decode(encoded.tensor, expectedCount: delta.count)
        for i in residual.indices { residual[i] = compensated[i] - decoded[i] }
        return encoded
    }
}
