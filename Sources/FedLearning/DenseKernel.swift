/// A dense layer's passes: one ``LinearMap`` row per sample.
final class DenseKernel: LayerKernel {
    private let map: LinearMap

    init(inputs: Int, outputs: Int) {
        map = LinearMap(inputs: inputs, outputs: outputs)
    }

    var inPlace: Bool { false }

    func forward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, parameters: UnsafePointer<Float>, batch: Int) {
        map.forward(rows: batch, input: input, parameters: parameters, output: output)
    }

    func backward(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?, parameters: UnsafePointer<Float>,
        target: UnsafeMutablePointer<Float>, scale: Float, keep: Float, batch: Int
    ) {
        if let inputGradient {
            map.inputGradient(rows: batch, outputGradient: outputGradient, parameters: parameters, into: inputGradient)
        }
        map.foldParameterGradient(rows: batch, input: input, outputGradient: outputGradient, into: target, scale: scale, keep: keep)
    }
}
