import FedData

/// Test-set quality of a parameter vector.
public struct Evaluation: Sendable, Hashable, Codable {
    /// Fraction of samples whose most probable class is the label.
    public var accuracy: Double
    /// Mean cross-entropy loss.
    public var loss: Double
    /// Number of samples evaluated.
    public var samples: Int
}

public extension ModelArchitecture {
    /// Samples per forward pass during evaluation: 250, large enough that the products run near
    /// peak speed, or as many as keep a convolution's patches within 8 Mi values (32 MiB).
    var evaluationBatchSize: Int {
        let patchValues = layers.indices.map { index -> Int in
            guard case .convolution(let kernel, _, _) = layers[index] else { return 0 }
            let output = shapes[index]
            return output.height * output.width * kernel * kernel * inputShape(ofLayer: index).channels
        }.max()!
        return patchValues == 0 ? 250 : max(1, min(250, (8 << 20) / patchValues))
    }

    /// Accuracy and mean loss of `parameters` on every sample of `dataset`.
    func evaluate(parameters: [Float], on dataset: Dataset) throws -> Evaluation {
        try validate(for: dataset)
        guard parameters.count == parameterCount else {
            throw TrainingError.shapeMismatch("\(parameters.count) parameters for \(self) (\(parameterCount))")
        }
        let network = Network(architecture: self, capacity: evaluationBatchSize, trainable: false)
        var lossSum = 0.0
        var correct = 0
        parameters.withUnsafeBufferPointer { weights in
            for start in stride(from: 0, to: dataset.count, by: evaluationBatchSize) {
                let range = start..<min(start + evaluationBatchSize, dataset.count)
                let batch = network.loadInputs(from: dataset, indices: range)
                let result = network.forward(parameters: weights.baseAddress!, batch: batch) { Int(dataset.labels[start + $0]) }
                lossSum += result.lossSum
                correct += result.correct
            }
        }
        let count = max(dataset.count, 1)
        return Evaluation(accuracy: Double(correct) / Double(count), loss: lossSum / Double(count), samples: dataset.count)
    }
}
