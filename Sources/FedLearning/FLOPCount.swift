import FedData

/// Analytic floating-point operation counts for training and evaluating a ``ModelArchitecture``.
///
/// A multiply-add counts 2: a matrix product of `m x k` by `k x n` counts `2mkn`. Every
/// element-wise step counts one per element: bias add, ReLU and its mask, the scatter-add of a
/// convolution's patch gradients, the loss gradient; the softmax counts 3 per class (exponent, sum,
/// divide), 2x2 max-pooling 3 comparisons per output. Gathering patches, flattening and routing a
/// pooled gradient move values without arithmetic and count nothing. The optimizer counts per
/// parameter per batch. These are the figures the energy model multiplies by a device's joules per FLOP.
public extension ModelArchitecture {
    /// FLOPs of one sample's forward pass (evaluation, or the first half of training).
    var forwardFLOPsPerSample: Int {
        layers.indices.reduce(3 * classCount) { $0 + layers[$1].forwardFLOPs(input: inputShape(ofLayer: $1), output: shapes[$1]) }
    }

    /// FLOPs of one sample's backward pass: the loss gradient, then, from the last layer back to the
    /// first with parameters, each layer's parameter gradients and, past that first one, its input gradient.
    var backwardFLOPsPerSample: Int {
        let firstTrained = layers.firstIndex(where: \.hasParameters)!
        return (firstTrained..<layers.count).reduce(classCount) {
            $0 + layers[$1].backwardFLOPs(input: inputShape(ofLayer: $1), output: shapes[$1], passesGradientBack: $1 > firstTrained)
        }
    }

    /// FLOPs of one SGD step on the whole parameter vector under `configuration`.
    func updateFLOPs(_ configuration: SGDConfiguration) -> Int {
        var perParameter = 2  // w -= lr * g
        if configuration.weightDecay != 0 { perParameter += 2 }
        if configuration.proximalMu != 0 { perParameter += 3 }
        if configuration.momentum != 0 { perParameter += 2 }
        return perParameter * parameterCount
    }

    /// FLOPs of training on `samples` samples in `batches` minibatches.
    func trainingFLOPs(samples: Int, batches: Int, configuration: SGDConfiguration) -> Int {
        samples * (forwardFLOPsPerSample + backwardFLOPsPerSample) + batches * updateFLOPs(configuration)
    }
}

extension Layer {
    /// One sample's forward FLOPs: a convolution's product over its patches (`2 · pixels · patch · filters`)
    /// and bias, a dense layer's product and bias, ReLU one per value, max-pooling 3 per output.
    func forwardFLOPs(input: SampleShape, output: SampleShape) -> Int {
        switch self {
        case .convolution, .dense: return 2 * weightCount(input: input) * positions(output) + output.featureCount
        case .relu: return output.featureCount
        case .maxPool: return 3 * output.featureCount
        case .flatten: return 0
        }
    }

    /// One sample's backward FLOPs: the weight gradient (a product as large as the forward one) and
    /// bias gradient; with `passesGradientBack`, the input gradient too (another such product, plus a
    /// convolution's scatter-add of one value per patch entry), or ReLU's mask.
    func backwardFLOPs(input: SampleShape, output: SampleShape, passesGradientBack: Bool) -> Int {
        switch self {
        case .convolution, .dense:
            let product = 2 * weightCount(input: input) * positions(output)
            let scatter = if case .convolution = self { positions(output) * weightCount(input: input) / biasCount } else { 0 }
            return product + output.featureCount + (passesGradientBack ? product + scatter : 0)
        case .relu: return passesGradientBack ? output.featureCount : 0
        case .maxPool, .flatten: return 0
        }
    }

    /// Output pixels a layer's weights are applied at: every pixel for a convolution, once for a dense layer.
    private func positions(_ output: SampleShape) -> Int {
        if case .convolution = self { output.height * output.width } else { 1 }
    }
}
