import FedCodec
import FedEnergy

extension CodecWorkProfile {
    /// Operations a device spends running `spec` in `direction` on one tensor whose sizes after each
    /// stage were `sizes` (docs/ARCHITECTURE.md, "Codec work"): per value, top-k on every value of
    /// the dense tensor and the quantizer on the values top-k kept (all without top-k); per byte, the
    /// lossless coder on the quantized body (`sizes.quantized`), which encoding reads and decoding
    /// writes. Plain float32 (`none`) counts nothing.
    public func operations(_ spec: CodecSpec, sizes: StageSizes, _ direction: CodecWorkDirection) -> Double {
        Self.units(spec, sizes: sizes).reduce(0) { total, stage in total + (work(stage.kind)?.operations(direction).value ?? 0) * Double(stage.count) }
    }

    /// The stages `spec` runs on a tensor whose sizes were `sizes`, each with the units of work it
    /// does (values or bytes, as ``operations(_:sizes:_:)`` counts them), in pipeline order.
    public static func units(_ spec: CodecSpec, sizes: StageSizes) -> [(kind: CodecStageKind, count: Int)] {
        let values = sizes.raw / 4
        var units: [(CodecStageKind, Int)] = []
        if spec.topKFraction != nil { units.append((.topk, values)) }
        if let quantizer = kind(of: spec.quantizer) { units.append((quantizer, spec.keptValues(of: values))) }
        switch spec.lastStage {
        case .zlib?: units.append((.zlib, sizes.quantized))
        case .rangeCoder?: units.append((.range, sizes.quantized))
        case nil: break
        }
        return units
    }

    /// The stage kind a quantizer counts as (nil: float32, no work).
    static func kind(of quantizer: Quantizer) -> CodecStageKind? {
        switch quantizer {
        case .float32: return nil
        case .fp16: return .fp16
        case .integer(bits: 8, _, _): return .int8
        case .integer(bits: 4, _, _): return .int4
        case .integer: return .int2
        case .qsgd: return .qsgd
        case .sign: return .sign
        }
    }
}
