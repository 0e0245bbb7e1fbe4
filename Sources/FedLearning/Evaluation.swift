import FedData
import Foundation

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

    /// Accuracy and mean loss of `parameters` on every sample of `dataset`, its batches shared
    /// among `threads` threads (each with its own network). The figures do not depend on `threads`:
    /// each batch is evaluated alike, and their losses are summed in batch order.
    func evaluate(parameters: [Float], on dataset: Dataset, threads: Int = 1) throws -> Evaluation {
        try validate(for: dataset)
        guard parameters.count == parameterCount else {
            throw TrainingError.shapeMismatch("\(parameters.count) parameters for \(self) (\(parameterCount))")
        }
        let batchSize = Self.evaluationBatchSize
        let batchCount = (dataset.count + batchSize - 1) / batchSize
        let workers = max(1, min(threads, batchCount))
        var batches = [(lossSum: Double, correct: Int)](repeating: (0, 0), count: batchCount)
        batches.withUnsafeMutableBufferPointer { batchFigures in
            parameters.withUnsafeBufferPointer { parameterValues in
                // The workers read the parameters, and each writes the figures of its own batches alone.
                nonisolated(unsafe) let (figures, weights) = (batchFigures, parameterValues)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    let network = Network(architecture: self, capacity: batchSize, trainable: false)
                    for batch in stride(from: worker, to: batchCount, by: workers) {
                        let start = batch * batchSize
                        let loaded = network.loadInputs(from: dataset, indices: start..<min(start + batchSize, dataset.count))
                        figures[batch] = network.forward(parameters: weights.baseAddress!, batch: loaded) { Int(dataset.labels[start + $0]) }
                    }
                }
            }
        }
        let lossSum = batches.reduce(0.0) { $0 + $1.lossSum }
        let correct = batches.reduce(0) { $0 + $1.correct }
        let count = max(dataset.count, 1)
        return Evaluation(accuracy: Double(correct) / Double(count), loss: lossSum / Double(count), samples: dataset.count)
    }
}
