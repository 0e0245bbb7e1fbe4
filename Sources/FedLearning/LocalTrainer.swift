import FedData

/// What one call to ``LocalTrainer/train(parameters:on:indices:epochs:generator:anchor:)`` did.
public struct TrainingSummary: Sendable, Hashable, Codable {
    /// Samples processed (epochs x shard size, fewer when a step limit stopped the training).
    public var samples: Int
    /// SGD steps taken.
    public var batches: Int
    /// Mean cross-entropy over every sample processed, measured in the forward pass before each step.
    public var meanLoss: Double
    /// Analytic FLOPs of the work (``ModelArchitecture/trainingFLOPs(samples:batches:configuration:)``).
    public var flops: Int
    /// CPU time the calling thread spent training, measured with the thread CPU clock.
    public var cpuSeconds: Double
}

/// Minibatch SGD on a flat parameter vector, the local training step of a client or of the centralized baseline.
///
/// The trainer owns the momentum buffer, which carries over from one call to the next (call
/// ``resetMomentum()`` to start afresh). Each call allocates the network's scratch memory and frees
/// it on return, so that many idle clients in one process (`fedwatt load`) do not each hold a CNN's
/// tens of megabytes. Not thread-safe: one trainer per training thread.
public final class LocalTrainer {
    /// The model trained.
    public let architecture: ModelArchitecture
    /// The optimizer's hyper-parameters.
    public let configuration: SGDConfiguration
    /// The step size used from the next step on; starts at the configuration's and follows a schedule if the caller sets it.
    public var learningRate: Float
    /// Plain SGD (no momentum, no proximal term) updates the weights inside the backward products.
    private let fused: Bool
    /// The batch's gradient on its own (empty when `fused`).
    private var gradient: [Float]
    private var velocity: [Float]

    /// Creates a trainer; throws if the configuration is out of range.
    public init(architecture: ModelArchitecture, configuration: SGDConfiguration) throws {
        try configuration.validate()
        self.architecture = architecture
        self.configuration = configuration
        learningRate = configuration.learningRate
        fused = configuration.momentum == 0 && configuration.proximalMu == 0
        gradient = fused ? [] : [Float](repeating: 0, count: architecture.parameterCount)
        velocity = configuration.momentum == 0 ? [] : [Float](repeating: 0, count: architecture.parameterCount)
    }

    /// Forgets the momentum accumulated so far.
    public func resetMomentum() {
        for i in velocity.indices { velocity[i] = 0 }
    }

    /// Trains `parameters` in place for `epochs` passes over the samples at `indices` (all of
    /// `dataset` when nil), in an order drawn from `generator` each epoch, stopping after
    /// `stepLimit` minibatch steps if that comes first (``LocalWork``).
    ///
    /// `anchor` is the FedProx reference point (the global model); it is required when the
    /// configuration's proximal mu is non-zero.
    public func train(
        parameters: inout [Float], on dataset: Dataset, indices: [Int]? = nil, epochs: Int, stepLimit: Int? = nil,
        generator: inout SeededGenerator, anchor: [Float]? = nil
    ) throws -> TrainingSummary {
        try architecture.validate(for: dataset)
        guard parameters.count == architecture.parameterCount else {
            throw TrainingError.shapeMismatch("\(parameters.count) parameters for \(architecture) (\(architecture.parameterCount))")
        }
        guard epochs > 0 else { throw TrainingError.invalidConfiguration("epochs \(epochs) must be positive") }
        if let stepLimit, stepLimit <= 0 { throw TrainingError.invalidConfiguration("step limit \(stepLimit) must be positive") }
        let proximalAnchor: [Float]
        if configuration.proximalMu != 0 {
            guard let anchor, anchor.count == parameters.count else {
                throw TrainingError.invalidConfiguration("a proximal term needs an anchor vector of \(parameters.count) values")
            }
            proximalAnchor = anchor
        } else {
            proximalAnchor = []
        }

        let start = ThreadCPUClock.seconds()
        let network = Network(architecture: architecture, capacity: configuration.batchSize)
        var order = indices ?? Array(0..<dataset.count)
        var lossSum = 0.0
        var batches = 0
        var samples = 0
        let steps = LocalWork(shardSize: order.count, batchSize: configuration.batchSize, epochs: epochs, stepLimit: stepLimit).steps
        training: for _ in 0..<epochs {
            order.shuffle(using: &generator)
            for batchStart in stride(from: 0, to: order.count, by: configuration.batchSize) {
                guard batches < steps else { break training }
                let batchIndices = order[batchStart..<min(batchStart + configuration.batchSize, order.count)]
                lossSum += step(network, parameters: &parameters, dataset: dataset, batchIndices: batchIndices, anchor: proximalAnchor)
                batches += 1
                samples += batchIndices.count
            }
        }
        return TrainingSummary(
            samples: samples, batches: batches, meanLoss: samples == 0 ? 0 : lossSum / Double(samples),
            flops: architecture.trainingFLOPs(samples: samples, batches: batches, configuration: configuration),
            cpuSeconds: ThreadCPUClock.seconds() - start)
    }

    /// One forward, backward and update on a minibatch; returns the batch's summed loss.
    ///
    /// Plain SGD, with or without weight decay, updates the weights inside the backward products;
    /// momentum and the proximal term need the gradient on its own first.
    private func step(_ network: Network, parameters: inout [Float], dataset: Dataset, batchIndices: ArraySlice<Int>, anchor: [Float]) -> Double {
        let batch = network.loadInputs(from: dataset, indices: batchIndices)
        let base = batchIndices.startIndex
        let label: (Int) -> Int = { Int(dataset.labels[batchIndices[base + $0]]) }
        let lossSum = parameters.withUnsafeMutableBufferPointer { weights in
            let result = network.forward(parameters: weights.baseAddress!, batch: batch, labels: label)
            if fused {
                network.backward(
                    parameters: weights.baseAddress!, batch: batch, labels: label, into: weights.baseAddress!,
                    scale: -learningRate, keep: 1 - learningRate * configuration.weightDecay)
            } else {
                gradient.withUnsafeMutableBufferPointer { gradient in
                    network.backward(
                        parameters: weights.baseAddress!, batch: batch, labels: label, into: gradient.baseAddress!,
                        scale: 1, keep: 0)
                }
            }
            return result.lossSum
        }
        if !fused { applyUpdate(to: &parameters, anchor: anchor) }
        return lossSum
    }

    /// `w -= lr * v` where `v = momentum * v + g + weightDecay * w + mu * (w - anchor)`.
    private func applyUpdate(to parameters: inout [Float], anchor: [Float]) {
        let (rate, momentum) = (learningRate, configuration.momentum)
        let (decay, mu) = (configuration.weightDecay, configuration.proximalMu)
        let count = parameters.count
        parameters.withUnsafeMutableBufferPointer { w in
            gradient.withUnsafeMutableBufferPointer { g in
                if decay != 0 { for i in 0..<count { g[i] += decay * w[i] } }
                if mu != 0 { anchor.withUnsafeBufferPointer { a in for i in 0..<count { g[i] += mu * (w[i] - a[i]) } } }
                if momentum != 0 {
                    velocity.withUnsafeMutableBufferPointer { v in
                        for i in 0..<count {
                            v[i] = momentum * v[i] + g[i]
                            w[i] -= rate * v[i]
                        }
                    }
                } else {
                    for i in 0..<count { w[i] -= rate * g[i] }
                }
            }
        }
    }

    /// The mean loss and its gradient on an explicit batch of scaled inputs, for gradient checks and tools.
    public func lossAndGradient(parameters: [Float], inputs: [Float], labels: [Int]) throws -> (loss: Double, gradient: [Float]) {
        guard parameters.count == architecture.parameterCount,
            inputs.count == labels.count * architecture.inputCount,
            labels.count <= configuration.batchSize,
            labels.allSatisfy({ (0..<architecture.classCount).contains($0) })
        else {
            throw TrainingError.shapeMismatch("batch of \(labels.count) labels and \(inputs.count) inputs for \(architecture)")
        }
        let network = Network(architecture: architecture, capacity: labels.count)
        let batch = network.loadInputs(inputs)
        var result = [Float](repeating: 0, count: parameters.count)
        let lossSum = parameters.withUnsafeBufferPointer { weights in
            let forward = network.forward(parameters: weights.baseAddress!, batch: batch) { labels[$0] }
            result.withUnsafeMutableBufferPointer { gradient in
                network.backward(
                    parameters: weights.baseAddress!, batch: batch, labels: { labels[$0] }, into: gradient.baseAddress!,
                    scale: 1, keep: 0)
            }
            return forward.lossSum
        }
        return (lossSum / Double(batch), result)
    }
}
