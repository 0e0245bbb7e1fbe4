import FedData

/// 2x2 max-pooling with stride 2. The forward pass keeps where each maximum came from (the first of
/// equal values, in row order); the backward pass sends each output's gradient there.
final class MaxPoolKernel: LayerKernel {
    private let input: SampleShape
    private let output: SampleShape
    /// For each output value of the batch, the index of its maximum in the input batch.
    private let sources: UnsafeMutablePointer<Int32>

    init(input: SampleShape, output: SampleShape, capacity: Int) {
        precondition(capacity * input.featureCount <= Int(Int32.max), "batch too large for 32-bit pooling indices")
        self.input = input
        self.output = output
        let count = max(capacity * output.featureCount, 1)
        sources = .allocate(capacity: count)
        sources.initialize(repeating: 0, count: count)
    }

    deinit { sources.deallocate() }

    var inPlace: Bool { false }

    func forward(input values: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, parameters: UnsafePointer<Float>, batch: Int) {
        let channels = input.channels
        let rowStride = input.width * channels
        var out = 0
        for sample in 0..<batch {
            for y in 0..<self.output.height {
                for x in 0..<self.output.width {
                    let topLeft = sample * input.featureCount + (2 * y * input.width + 2 * x) * channels
                    let corners = (topLeft, topLeft + channels, topLeft + rowStride, topLeft + rowStride + channels)
                    for c in 0..<channels {
                        var best = corners.0 + c
                        if values[corners.1 + c] > values[best] { best = corners.1 + c }
                        if values[corners.2 + c] > values[best] { best = corners.2 + c }
                        if values[corners.3 + c] > values[best] { best = corners.3 + c }
                        output[out] = values[best]
                        sources[out] = Int32(truncatingIfNeeded: best)
                        out += 1
                    }
                }
            }
        }
    }

    func backward(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?, parameters: UnsafePointer<Float>,
        target: UnsafeMutablePointer<Float>, scale: Float, keep: Float, batch: Int
    ) {
        guard let inputGradient else { return }
        inputGradient.update(repeating: 0, count: batch * self.input.featureCount)
        for i in 0..<(batch * self.output.featureCount) { inputGradient[Int(sources[i])] += outputGradient[i] }
    }
}
