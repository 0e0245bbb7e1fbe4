import CBLAS
import FedData
import Foundation

/// The forward and backward passes of a ``ModelArchitecture`` on minibatches, with its own scratch memory.
///
/// Matrix products go to OpenBLAS `cblas_sgemm`, limited to one thread: each client process models
/// one device. One instance serves one thread at a time; it allocates only when created.
final class DenseNetwork {
    let architecture: ModelArchitecture
    /// The largest batch the scratch memory holds.
    let capacity: Int
    /// `activations[0]` is the input batch, `activations[l]` the output of layer `l - 1`; the last holds class probabilities.
    private let activations: [UnsafeMutablePointer<Float>]
    private var delta: UnsafeMutablePointer<Float>
    private var deltaNext: UnsafeMutablePointer<Float>

    /// Allocates scratch memory for batches of up to `capacity` samples; the backward pass's
    /// buffers only when `trainable` (evaluation needs none).
    init(architecture: ModelArchitecture, capacity: Int, trainable: Bool = true) {
        BLASBackend.useSingleThread()
        self.architecture = architecture
        self.capacity = capacity
        activations = architecture.layerSizes.map { width in
            let buffer = UnsafeMutablePointer<Float>.allocate(capacity: capacity * width)
            buffer.initialize(repeating: 0, count: capacity * width)
            return buffer
        }
        let widest = trainable ? architecture.layerSizes.max()! : 0
        delta = .allocate(capacity: capacity * widest)
        delta.initialize(repeating: 0, count: capacity * widest)
        deltaNext = .allocate(capacity: capacity * widest)
        deltaNext.initialize(repeating: 0, count: capacity * widest)
    }

    deinit {
        activations.forEach { $0.deallocate() }
        delta.deallocate()
        deltaNext.deallocate()
    }

    /// Gathers the samples at `indices` into the input batch, scaling bytes to [0, 1]; returns the batch size.
    func loadInputs(from dataset: Dataset, indices: some Collection<Int>) -> Int {
        precondition(indices.count <= capacity)
        let width = architecture.inputCount
        let input = activations[0]
        dataset.pixels.withUnsafeBufferPointer { pixels in
            for (row, index) in indices.enumerated() {
                let source = pixels.baseAddress! + index * width
                let target = input + row * width
                for j in 0..<width { target[j] = Float(source[j]) * (1 / 255) }
            }
        }
        return indices.count
    }

    /// Copies an already scaled input batch (row-major, `batch x inputCount`).
    func loadInputs(_ values: [Float]) -> Int {
        let batch = values.count / architecture.inputCount
        precondition(batch <= capacity && batch * architecture.inputCount == values.count)
        values.withUnsafeBufferPointer { activations[0].update(from: $0.baseAddress!, count: values.count) }
        return batch
    }

    /// Runs the loaded batch through the network; with labels, returns the summed cross-entropy
    /// loss and the number of correct predictions.
    @discardableResult
    func forward(parameters: UnsafePointer<Float>, batch: Int, labels: (Int) -> Int) -> (lossSum: Double, correct: Int) {
        let sizes = architecture.layerSizes
        for l in 0..<architecture.layerCount {
            let (inputs, outputs) = (sizes[l], sizes[l + 1])
            let (weightOffset, biasOffset) = architecture.offsets(ofLayer: l)
            let output = activations[l + 1]
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(batch), Int32(outputs), Int32(inputs),
                1, activations[l], Int32(inputs), parameters + weightOffset, Int32(outputs), 0, output, Int32(outputs))
            let bias = parameters + biasOffset
            let isHidden = l < architecture.layerCount - 1
            for row in 0..<batch {
                let values = output + row * outputs
                if isHidden {
                    for j in 0..<outputs { values[j] = max(0, values[j] + bias[j]) }
                } else {
                    for j in 0..<outputs { values[j] += bias[j] }
                }
            }
        }
        return softmaxCrossEntropy(batch: batch, labels: labels)
    }

    /// Turns the last layer's logits into probabilities in place, returning loss and hits.
    private func softmaxCrossEntropy(batch: Int, labels: (Int) -> Int) -> (lossSum: Double, correct: Int) {
        let classes = architecture.classCount
        let logits = activations[architecture.layerCount]
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
        let sizes = architecture.layerSizes
        let classes = architecture.classCount
        let probabilities = activations[architecture.layerCount]
        let inverseBatch = 1 / Float(batch)
        for row in 0..<batch {
            for j in 0..<classes { delta[row * classes + j] = probabilities[row * classes + j] * inverseBatch }
            delta[row * classes + labels(row)] -= inverseBatch
        }
        for l in stride(from: architecture.layerCount - 1, through: 0, by: -1) {
            let (inputs, outputs) = (sizes[l], sizes[l + 1])
            let (weightOffset, biasOffset) = architecture.offsets(ofLayer: l)
            if l > 0 {
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasTrans, Int32(batch), Int32(inputs), Int32(outputs),
                    1, delta, Int32(outputs), parameters + weightOffset, Int32(outputs), 0, deltaNext, Int32(inputs))
            }
            cblas_sgemm(
                CblasRowMajor, CblasTrans, CblasNoTrans, Int32(inputs), Int32(outputs), Int32(batch),
                scale, activations[l], Int32(inputs), delta, Int32(outputs), keep, target + weightOffset, Int32(outputs))
            // Bias gradient: column sums of delta, accumulated row by row so the loop vectorises.
            let biasTarget = target + biasOffset
            for j in 0..<outputs { biasTarget[j] = keep == 0 ? 0 : keep * biasTarget[j] }
            for row in 0..<batch {
                let values = delta + row * outputs
                for j in 0..<outputs { biasTarget[j] += scale * values[j] }
            }
            guard l > 0 else { break }
            VectorKernels.zeroWhereNotPositive(deltaNext, reference: activations[l], count: batch * inputs)
            swap(&delta, &deltaNext)
        }
    }
}
