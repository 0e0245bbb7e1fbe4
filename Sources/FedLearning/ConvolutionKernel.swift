import FedData

/// A convolution's passes through im2col: each output pixel's `kernel x kernel x channels` patch
/// becomes a row, and one ``LinearMap`` product over every row of the batch gives every filter's
/// response at once. The backward pass takes the patches' gradient with the transposed product and
/// adds each back where the patch came from (col2im).
final class ConvolutionKernel: LayerKernel {
    private let input: SampleShape
    private let output: SampleShape
    private let kernel: Int
    private let padding: Int
    private let map: LinearMap
    /// The batch's patches, a row per output pixel, kept from the forward pass for the weight gradient.
    private let patches: UnsafeMutablePointer<Float>
    /// The patches' gradient; allocated only when the layer passes a gradient back to its input.
    private let patchGradient: UnsafeMutablePointer<Float>?

    /// Scratch memory for batches of up to `capacity`; `passesGradientBack` when a layer before this
    /// one has parameters.
    init(kernel: Int, padding: Layer.Padding, input: SampleShape, output: SampleShape, capacity: Int, passesGradientBack: Bool) {
        self.input = input
        self.output = output
        self.kernel = kernel
        self.padding = padding == .same ? (kernel - 1) / 2 : 0
        map = LinearMap(inputs: kernel * kernel * input.channels, outputs: output.channels)
        let patchValues = capacity * output.height * output.width * map.inputs
        patches = .allocateZeroed(patchValues)
        patchGradient = passesGradientBack ? .allocateZeroed(patchValues) : nil
    }

    deinit {
        patches.deallocate()
        patchGradient?.deallocate()
    }

    var inPlace: Bool { false }

    func forward(input values: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, parameters: UnsafePointer<Float>, batch: Int) {
        forEachPatchRun(batch: batch) { patchOffset, inputOffset, count in
            if let inputOffset {
                (patches + patchOffset).update(from: values + inputOffset, count: count)
            } else {
                (patches + patchOffset).update(repeating: 0, count: count)
            }
        }
        map.forward(rows: batch * self.output.height * self.output.width, input: patches, parameters: parameters, output: output)
    }

    func backward(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?, parameters: UnsafePointer<Float>,
        target: UnsafeMutablePointer<Float>, scale: Float, keep: Float, batch: Int
    ) {
        let rows = batch * self.output.height * self.output.width
        if let inputGradient, let patchGradient {
            map.inputGradient(rows: rows, outputGradient: outputGradient, parameters: parameters, into: patchGradient)
            inputGradient.update(repeating: 0, count: batch * self.input.featureCount)
            forEachPatchRun(batch: batch) { patchOffset, inputOffset, count in
                guard let inputOffset else { return }
                let (source, destination) = (patchGradient + patchOffset, inputGradient + inputOffset)
                for i in 0..<count { destination[i] += source[i] }
            }
        }
        map.foldParameterGradient(rows: rows, input: patches, outputGradient: outputGradient, into: target, scale: scale, keep: keep)
    }

    /// Walks the batch's patches in row order as runs of values that are contiguous in both the
    /// patch rows and the input: one kernel row's pixels that fall inside the input (their channels
    /// side by side), and the padding around them (`inputOffset` nil: zeros).
    private func forEachPatchRun(batch: Int, _ body: (_ patchOffset: Int, _ inputOffset: Int?, _ count: Int) -> Void) {
        let (height, width, channels) = (input.height, input.width, input.channels)
        let rowLength = kernel * channels
        var patchOffset = 0
        for sample in 0..<batch {
            let sampleOffset = sample * input.featureCount
            for y in 0..<output.height {
                for x in 0..<output.width {
                    let first = max(0, padding - x)  // first kernel column inside the input
                    let end = min(kernel, width + padding - x)  // one past the last
                    for row in 0..<kernel {
                        let inputY = y + row - padding
                        guard inputY >= 0, inputY < height else {
                            body(patchOffset, nil, rowLength)
                            patchOffset += rowLength
                            continue
                        }
                        if first > 0 { body(patchOffset, nil, first * channels) }
                        let inputOffset = sampleOffset + (inputY * width + x + first - padding) * channels
                        body(patchOffset + first * channels, inputOffset, (end - first) * channels)
                        if end < kernel { body(patchOffset + end * channels, nil, (kernel - end) * channels) }
                        patchOffset += rowLength
                    }
                }
            }
        }
    }
}
