import FedData
import Foundation

/// The forward and backward passes of a ``ModelArchitecture`` on minibatches, with its own scratch memory.
///
/// One ``LayerKernel`` per layer; matrix products go to OpenBLAS `cblas_sgemm`, limited to one
/// thread: each client process models one device. One instance serves one thread at a time; it
/// allocates only when created.
final class Network {
    let architecture: ModelArchitecture
    /// The largest batch the scratch memory holds.
    let capacity: Int
    private let kernels: [LayerKernel]
    /// Where each layer's weights start in the parameter vector.
    private let offsets: [Int]
    /// `values[0]` is the input batch, `values[i + 1]` the output of layer `i` (the same buffer as
    /// its input for in-place layers); the last holds class probabilities after the forward pass.
    private let values: [UnsafeMutablePointer<Float>]
    /// The first layer with parameters: no gradient needs to flow back past it.
    private let firstTrained: Int
    private var gradient: UnsafeMutablePointer<Float>
    private var gradientSpare: UnsafeMutablePointer<Float>

    /// Allocates scratch memory for batches of up to `capacity` samples; the backward pass's
    /// buffers only when `trainable` (evaluation needs none).
    init(architecture: ModelArchitecture, capacity: Int, trainable: Bool = true) {
        BLASBackend.useSingleThread()
        self.architecture = architecture
        self.capacity = capacity
        firstTrained = architecture.layers.firstIndex(where: \.hasParameters)!
        var kernels = [LayerKernel]()
        var values = [UnsafeMutablePointer<Float>.allocateZeroed(capacity * architecture.inputCount)]
        for (index, layer) in architecture.layers.enumerated() {
            let (input, output) = (architecture.inputShape(ofLayer: index), architecture.shapes[index])
            let kernel: LayerKernel
            switch layer {
            case .convolution(let size, _, let padding):
                kernel = ConvolutionKernel(
                    kernel: size, padding: padding, input: input, output: output, capacity: capacity,
                    passesGradientBack: trainable && index > firstTrained)
            case .maxPool: kernel = MaxPoolKernel(input: input, output: output, capacity: capacity)
            case .relu: kernel = ReLUKernel(width: output.featureCount)
            case .flatten: kernel = FlattenKernel()
            case .dense(let outputs): kernel = DenseKernel(inputs: input.featureCount, outputs: outputs)
            }
            kernels.append(kernel)
            values.append(kernel.inPlace ? values[values.count - 1] : .allocateZeroed(capacity * output.featureCount))
        }
        self.kernels = kernels
        self.values = values
        offsets = architecture.layers.indices.map { architecture.offsets(ofLayer: $0).weights }
        let widest = trainable ? architecture.shapes.map(\.featureCount).max()! : 0
        gradient = .allocateZeroed(capacity * widest)
        gradientSpare = .allocateZeroed(capacity * widest)
    }

    deinit {
        var released = Set<UnsafeMutablePointer<Float>>()
        for buffer in values where released.insert(buffer).inserted { buffer.deallocate() }
        gradient.deallocate()
        gradientSpare.deallocate()
    }

    /// Gathers the samples at `indices` into the input batch, scaling bytes to [0, 1]; returns the batch size.
    func loadInputs(from dataset: Dataset, indices: some Collection<Int>) -> Int {
        precondition(indices.count <= capacity)
        let width = architecture.inputCount
        let input = values[0]
        dataset.pixels.withUnsafeBufferPointer { pixels in
            for (row, index) in indices.enumerated() {
                let source = pixels.baseAddress! + index * width
                let target = input + row * width
                for j in 0..<width { target[j] = Float(source[j]) * (1 / 255) }
            }
        }
        return indices.count
    }

    /// Copies an already scaled input batch (`batch` samples of `inputCount` values).
    func loadInputs(_ inputs: [Float]) -> Int {
        let batch = inputs.count / architecture.inputCount
        precondition(batch <= capacity && batch * architecture.inputCount == inputs.count)
        inputs.withUnsafeBufferPointer { values[0].update(from: $0.baseAddress!, count: inputs.count) }
        return batch
    }

    /// Runs the loaded batch through the network; with labels, returns the summed cross-entropy
    /// loss and the number of correct predictions.
    @discardableResult
    func forward(parameters: UnsafePointer<Float>, batch: Int, labels: (Int) -> Int) -> (lossSum: Double, correct: Int) {
        for (index, kernel) in kernels.enumerated() {
            kernel.forward(input: values[index], output: values[index + 1], parameters: parameters + offsets[index], batch: batch)
        }
        return softmaxCrossEntropy(batch: batch, labels: labels)
    }

    /// Turns the last layer's logits into probabilities in place, returning loss and hits.
    private func softmaxCrossEntropy(batch: Int, labels: (Int) -> Int) -> (lossSum: Double, correct: Int) {
        let classes = architecture.classCount
        let logits = values[values.count - 1]
        var lossSum = 0.0
        var correct = 0
        for row in 0..<batch {
            let values = logits + row * classes
            var best = 0
            for j in 1..<classes where values[j] > values[best] { best = j }
            let label = labels(row)
            if best == label { correct += 1 }
            let peak = values[best]
            var sum: Float = 0
            let labelLogit = values[label] - peak
            for j in 0..<classes {
                let e = expf(values[j] - peak)
                values[j] = e
                sum += e
            }
            let inverse = 1 / sum
            for j in 0..<classes { values[j] *= inverse }
            lossSum += Double(logf(sum) - labelLogit)
        }
        return (lossSum, correct)
    }

    /// Folds the gradient of the batch's mean loss into `target`, laid out like the parameters:
    /// `target = keep * target + scale * gradient`. Call right after
    /// ``forward(parameters:batch:labels:)`` on the same batch.
    ///
    /// With `scale = 1, keep = 0` it writes the gradient. With `target` the parameters themselves,
    /// `scale = -learningRate` and `keep = 1 - learningRate * weightDecay`, it is the SGD step, done
    /// inside the matrix products: each layer's input gradient is taken before its weights change.
    func backward(
        parameters: UnsafePointer<Float>, batch: Int, labels: (Int) -> Int,
        into target: UnsafeMutablePointer<Float>, scale: Float, keep: Float
    ) {
        let classes = architecture.classCount
        let probabilities = values[values.count - 1]
        let inverseBatch = 1 / Float(batch)
        for row in 0..<batch {
            for j in 0..<classes { gradient[row * classes + j] = probabilities[row * classes + j] * inverseBatch }
            gradient[row * classes + labels(row)] -= inverseBatch
        }
        for index in stride(from: kernels.count - 1, through: firstTrained, by: -1) {
            let kernel = kernels[index]
            let passesBack = index > firstTrained
            kernel.backward(
                input: values[index], output: values[index + 1], outputGradient: gradient,
                inputGradient: passesBack ? (kernel.inPlace ? gradient : gradientSpare) : nil,
                parameters: parameters + offsets[index], target: target + offsets[index], scale: scale, keep: keep, batch: batch)
            if passesBack && !kernel.inPlace { swap(&gradient, &gradientSpare) }
        }
    }
}
