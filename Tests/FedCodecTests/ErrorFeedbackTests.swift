import FedCodec
import FedData
import Testing

@Suite struct ErrorFeedbackTests {
    /// Whatever compression drops is held, not lost: after every round, what was sent plus the
    /// residual equals everything produced so far.
    @Test(arguments: ["topk:0.01+int8+zlib", "sign+zlib", "int8", "topk:0.1"])
    func conservesTheDroppedMass(spec: String) throws {
        let codec = try CodecSpec(parsing: spec)
        #expect(codec.isBiased)
        var feedback = ErrorFeedback()
        var generator = SeededGenerator(seed: 3)
        var produced = [Double](repeating: 0, count: 2000)
        var sent = [Double](repeating: 0, count: 2000)
        for _ in 0..<10 {
            let delta = (0..<2000).map { _ in Float(generator.nextNormal() * 0.01) }
            let tensor = feedback.encode(delta, spec: codec, generator: &generator).tensor
            let decoded = try TensorCodec.decode(tensor, expectedCount: 2000)
            for i in 0..<2000 {
                produced[i] += Double(delta[i])
                sent[i] += Double(decoded[i])
            }
            for i in 0..<2000 { #expect(abs(sent[i] + Double(feedback.residual[i]) - produced[i]) < 1e-5) }
        }
    }

    @Test func topKWithFeedbackEventuallySendsEveryCoordinate() throws {
        var feedback = ErrorFeedback()
        var generator = SeededGenerator(seed: 4)
        // The same delta every round; top-k keeps 1 of 20 values, always the largest without feedback.
        let delta = (0..<20).map { Float(1 + 0.05 * Double($0)) * 1e-3 }
        let spec = try CodecSpec(parsing: "topk:0.05")
        var everSent = Set<Int>()
        for _ in 0..<60 {
            let decoded = try TensorCodec.decode(feedback.encode(delta, spec: spec, generator: &generator).tensor, expectedCount: 20)
            for (i, value) in decoded.enumerated() where value != 0 { everSent.insert(i) }
        }
        #expect(everSent.count == 20)
    }

    @Test func unbiasedAndLosslessPipelinesNeedNoFeedback() throws {
        for spec in ["none", "zlib", "qsgd:16+zlib", "int8:stochastic"] { #expect(try !CodecSpec(parsing: spec).isBiased) }
    }
}
