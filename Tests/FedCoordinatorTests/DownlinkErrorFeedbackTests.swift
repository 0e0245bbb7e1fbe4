import FedCodec
import FedData
import Testing

@testable import FedCoordinator

/// The coordinator's error feedback: with `--downlink-delta`, what the downlink codec drops from a
/// round's difference stays in the residual, global model − reference, and goes out with the next
/// differences, as the client's residual does for its updates (ErrorFeedbackTests).
@Suite struct DownlinkErrorFeedbackTests {
    static let biasedCodecs = ["topk:0.05+int8+zlib", "int2:64+range", "int4:32+zlib:rle", "sign+zlib", "topk:0.02+int2+range"]

    /// Every round, what the clients received (summed in double precision) plus the residual equals
    /// everything the global model has moved, from the first model on; and the clients' copy is the
    /// encoder's reference, bit for bit.
    @Test(arguments: biasedCodecs)
    func conservesWhatTheCodecDropped(spec: String) throws {
        let codec = try CodecSpec(parsing: spec)
        #expect(codec.isBiased)
        var encoder = DownlinkEncoder(codec: codec, sendsDifferences: true)
        var generator = SeededGenerator(seed: 5)
        let count = 2000
        var global = (0..<count).map { _ in Float(generator.nextNormal() * 0.1) }
        var moved = global.map(Double.init)
        var received = [Double](repeating: 0, count: count)
        var copy = ClientCopy()
        for _ in 0..<40 {
            let plan = try encoder.plan(global: global, selected: [0], generator: &generator)
            let sent = plan.model(for: 0)
            try copy.apply(sent, version: plan.version)
            let decoded = try TensorCodec.decode(sent.tensors[0], expectedCount: count)
            for i in 0..<count { received[i] += Double(decoded[i]) }
            let reference = try #require(encoder.reference)
            #expect(copy.model == reference)
            for i in 0..<count { #expect(abs(received[i] + Double(global[i] - reference[i]) - moved[i]) < 1e-4) }
            encoder.answered(0)
            for i in 0..<count {
                let step = Float(generator.nextNormal() * 0.01)
                global[i] += step
                moved[i] += Double(step)
            }
        }
    }

    /// When the global model stops moving, the residual drains: the clients' copy converges on the
    /// global model, although each difference carries only part of it (a codec without feedback
    /// would leave what it dropped once dropped for good). Sign is left out: it sends every value at
    /// the mean magnitude, so its error keeps swinging around zero instead of shrinking.
    @Test(arguments: biasedCodecs.filter { !$0.hasPrefix("sign") })
    func deliversWhatItDroppedOnceTheModelStops(spec: String) throws {
        var encoder = DownlinkEncoder(codec: try CodecSpec(parsing: spec), sendsDifferences: true)
        var generator = SeededGenerator(seed: 6)
        let global = (0..<1000).map { _ in Float(generator.nextNormal() * 0.1) }
        var copy = ClientCopy()
        var firstError: Float = 0
        for round in 1...150 {
            let plan = try encoder.plan(global: global, selected: [0], generator: &generator)
            try copy.apply(plan.model(for: 0), version: plan.version)
            encoder.answered(0)
            let error = zip(copy.model!, global).map { abs($0 - $1) }.max()!
            if round == 1 { firstError = error }
        }
        let lastError = zip(copy.model!, global).map { abs($0 - $1) }.max()!
        #expect(firstError > 0.01)
        #expect(lastError < firstError / 100)
    }
}
