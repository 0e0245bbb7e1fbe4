/// ReLU in place: `max(0, x)` forward; backward, the gradient is zeroed where the output is not positive.
final class ReLUKernel: LayerKernel {
    private let width: Int

    /// `width` values per sample.
    init(width: Int) {
        self.width = width
    }

    var inPlace: Bool { true }

    func forward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, parameters: UnsafePointer<Float>, batch: Int) {
        for i in 0..<(batch * width) { output[i] = max(0, input[i]) }
    }

    func backward(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?, parameters: UnsafePointer<Float>,
        target: UnsafeMutablePointer<Float>, scale: Float, keep: Float, batch: Int
    ) {
        guard let inputGradient else { return }
        VectorKernels.zeroWhereNotPositive(inputGradient, reference: output, count: batch * width)
    }
}
