/// The forward and backward passes of one ``Layer`` over a batch, with the scratch memory they need.
///
/// A ``Network`` runs one kernel per layer. Batches hold samples one after another, each in
/// height-width-channels order. Gradients are those of the batch's mean loss.
protocol LayerKernel: AnyObject {
    /// Whether the output is written over the input (ReLU, flatten): the network then gives both one buffer.
    var inPlace: Bool { get }

    /// Reads `batch` samples from `input` and writes their outputs; `parameters` points at this
    /// layer's weights, its biases following them.
    func forward(input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, parameters: UnsafePointer<Float>, batch: Int)

    /// Called after ``forward(input:output:parameters:batch:)`` on the same batch, with the loss's
    /// gradient with respect to the output. Writes the gradient with respect to the input into
    /// `inputGradient` when it is given (it is `outputGradient` itself for in-place layers), then
    /// folds the parameters' gradient into `target` as `target = keep * target + scale * gradient`.
    /// The input gradient is taken first, so `target` may be the parameters themselves.
    func backward(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?, parameters: UnsafePointer<Float>,
        target: UnsafeMutablePointer<Float>, scale: Float, keep: Float, batch: Int)
}

extension UnsafeMutablePointer where Pointee == Float {
    /// Allocates `count` floats set to zero (at least one, so that an empty buffer is still a pointer).
    static func allocateZeroed(_ count: Int) -> UnsafeMutablePointer<Float> {
        let buffer = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(count, 1))
        buffer.initialize(repeating: 0, count: Swift.max(count, 1))
        return buffer
    }
}
