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
    /// Samples per forward pass during evaluation: large enough that the products run near peak speed.
    static let evaluationBatchSize = 250

    /// Accuracy and mean loss of `parameters` on every sample of `dataset`.
    func evaluate(parameters: [Float], on dataset: Dataset) throws -> Evaluation {
        try validate(for: dataset)
        guard parameters.count == parameterCount else {
            throw TrainingError.shapeMismatch("\(parameters.count) parameters for \(self) (\(parameterCount))")
        }
        let network = Network(architecture: self, capacity: Self.evaluationBatchSize, trainable: false)
        var lossSum = 0.0
        var correct = 0
        parameters.withUnsafeBufferPointer { weights in
            for start in stride(from: 0, to: dataset.count, by: Self.evaluationBatchSize) {
                let range = start..<min(start + Self.evaluationBatchSize, dataset.count)
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
