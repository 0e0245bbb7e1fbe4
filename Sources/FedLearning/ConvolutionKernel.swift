import FedData

/// A convolution's passes through im2col: each output pixel's `kernel x kernel x channels` patch
/// becomes a row, and one ``LinearMap`` product over the rows of several samples gives every filter's
/// response at once. The backward pass takes the patches' gradient with the transposed product and
/// adds each back where the patch came from (col2im), then gathers the patches again for the weight
/// gradient. The batch goes through in chunks of samples whose patches fit in
/// ``chunkPatchValues``, so that they stay in cache between the gathering and the product.
final class ConvolutionKernel: LayerKernel {
    /// At most this many patch values (4 MiB) per chunk, or one sample's if that is more.
    static let chunkPatchValues = 1 << 20
    private let input: SampleShape
    private let output: SampleShape
    private let kernel: Int
    private let padding: Int
    private let map: LinearMap
    /// Samples per chunk.
    private let chunk: Int
    /// One chunk's patches, a row per output pixel.
    private let patches: UnsafeMutablePointer<Float>
    /// One chunk's patch gradient; allocated only when the layer passes a gradient back to its input.
    private let patchGradient: UnsafeMutablePointer<Float>?

    /// Scratch memory for batches of up to `capacity`; `passesGradientBack` when a layer before this
    /// one has parameters.
    init(kernel: Int, padding: Layer.Padding, input: SampleShape, output: SampleShape, capacity: Int, passesGradientBack: Bool) {
        self.input = input
        self.output = output
        self.kernel = kernel
        self.padding = padding == .same ? (kernel - 1) / 2 : 0
        map = LinearMap(inputs: kernel * kernel * input.channels, outputs: output.channels)
        let samplePatchValues = output.height * output.width * map.inputs
        chunk = max(1, min(capacity, Self.chunkPatchValues / samplePatchValues))
        patches = .allocateZeroed(chunk * samplePatchValues)
        patchGradient = passesGradientBack ? .allocateZeroed(chunk * samplePatchValues) : nil
    }

    deinit {
        patches.deallocate()
        patchGradient?.deallocate()
    }

    var inPlace: Bool { false }

    func forward(input values: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, parameters: UnsafePointer<Float>, batch: Int) {
        for first in stride(from: 0, to: batch, by: chunk) {
            let samples = min(chunk, batch - first)
            gatherPatches(from: values, samples: first..<(first + samples))
            map.forward(rows: samples * pixels, input: patches, parameters: parameters, output: output + first * self.output.featureCount)
        }
    }

    func backward(
        input: UnsafePointer<Float>, output: UnsafePointer<Float>, outputGradient: UnsafeMutablePointer<Float>,
        inputGradient: UnsafeMutablePointer<Float>?, parameters: UnsafePointer<Float>,
        target: UnsafeMutablePointer<Float>, scale: Float, keep: Float, batch: Int
    ) {
        // Every input gradient first: they need the weights as they were before the step.
        if let inputGradient, let patchGradient {
            inputGradient.update(repeating: 0, count: batch * self.input.featureCount)
            for first in stride(from: 0, to: batch, by: chunk) {
                let samples = min(chunk, batch - first)
                map.inputGradient(
                    rows: samples * pixels, outputGradient: outputGradient + first * self.output.featureCount,
                    parameters: parameters, into: patchGradient)
                forEachPatchRun(samples: first..<(first + samples)) { patchOffset, inputOffset, count in
                    guard let inputOffset else { return }
                    let (source, destination) = (patchGradient + patchOffset, inputGradient + inputOffset)
                    for i in 0..<count { destination[i] += source[i] }
                }
            }
        }
        for first in stride(from: 0, to: batch, by: chunk) {
            let samples = min(chunk, batch - first)
            if batch > chunk { gatherPatches(from: input, samples: first..<(first + samples)) }
            map.foldParameterGradient(
                rows: samples * pixels, input: patches, outputGradient: outputGradient + first * self.output.featureCount,
                into: target, scale: scale, keep: first == 0 ? keep : 1)
        }
    }

    /// Output pixels per sample.
    private var pixels: Int { output.height * output.width }

    /// Copies the patches of `samples` of the batch in `values` into ``patches``, zeros for the padding.
    private func gatherPatches(from values: UnsafePointer<Float>, samples: Range<Int>) {
        forEachPatchRun(samples: samples) { patchOffset, inputOffset, count in
            if let inputOffset {
                (patches + patchOffset).update(from: values + inputOffset, count: count)
            } else {
                (patches + patchOffset).update(repeating: 0, count: count)
            }
        }
    }

    /// Walks the patches of `samples` in row order as runs of values that are contiguous in both the
    /// chunk's patch rows and the batch's input: one kernel row's pixels that fall inside the input
    /// (their channels side by side), and the padding around them (`inputOffset` nil: zeros).
    private func forEachPatchRun(samples: Range<Int>, _ body: (_ patchOffset: Int, _ inputOffset: Int?, _ count: Int) -> Void) {
        let (height, width, channels) = (input.height, input.width, input.channels)
        let rowLength = kernel * channels
        var patchOffset = 0
        for sample in samples {
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
