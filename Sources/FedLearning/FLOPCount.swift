/// Analytic floating-point operation counts for training and evaluating a ``ModelArchitecture``.
///
/// A matrix product of `m x k` by `k x n` counts `2mkn` (one multiply, one add per term); every
/// element-wise step counts one per element: bias add, ReLU and its mask, the softmax (3 per class:
/// exponent, sum, divide) and the loss gradient. The optimizer counts per parameter per batch.
/// These are the figures the energy model multiplies by a device's joules per FLOP.
public extension ModelArchitecture {
    /// FLOPs of one sample's forward pass (evaluation, or the first half of training).
    var forwardFLOPsPerSample: Int {
        var flops = 0
        for l in 0..<layerCount {
            let (inputs, outputs) = (layerSizes[l], layerSizes[l + 1])
            flops += 2 * inputs * outputs + outputs  // product and bias
            flops += l < layerCount - 1 ? outputs : 3 * outputs  // ReLU, or softmax
        }
        return flops
    }

    /// FLOPs of one sample's backward pass: weight and bias gradients for every layer, input
    /// gradients for every layer but the first (the data needs none).
    var backwardFLOPsPerSample: Int {
        var flops = classCount  // softmax minus one-hot
        for l in 0..<layerCount {
            let (inputs, outputs) = (layerSizes[l], layerSizes[l + 1])
            flops += 2 * inputs * outputs + outputs  // weight gradient, bias gradient
            if l > 0 { flops += 2 * inputs * outputs + inputs }  // input gradient and ReLU mask
        }
        return flops
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
