import FedData
import FedLearning
import Foundation
import Testing

@Suite struct GradientTests {
    /// A small model on `height x width x channels` samples, 3 classes.
    static func model(_ height: Int, _ width: Int, _ channels: Int, _ layers: [Layer]) -> ModelArchitecture {
        try! ModelArchitecture(inputShape: SampleShape(height: height, width: width, channels: channels), layers: layers + [.dense(outputs: 3)])
    }

    /// Every parameter of small models, one layer type at a time: dense layers, then convolutions
    /// (each padding, a gradient passed back through one), ReLU, max-pooling (even and odd sides),
    /// flatten, and a small CNN with all of them.
    @Test(arguments: [
        ModelArchitecture.softmaxRegression(inputs: 6, classes: 4),
        ModelArchitecture.mlp(inputs: 6, hidden: [5], classes: 4),
        ModelArchitecture.mlp(inputs: 6, hidden: [7, 5], classes: 3),
        model(5, 5, 2, [.convolution(kernel: 3, filters: 3, padding: .same), .flatten]),
        model(6, 5, 2, [.convolution(kernel: 3, filters: 2, padding: .same), .convolution(kernel: 3, filters: 3, padding: .valid), .flatten]),
        model(4, 4, 2, [.convolution(kernel: 3, filters: 3, padding: .same), .relu, .flatten]),
        model(6, 6, 2, [.convolution(kernel: 3, filters: 2, padding: .valid), .maxPool, .flatten]),
        model(5, 7, 1, [.convolution(kernel: 1, filters: 2, padding: .same), .maxPool, .flatten]),
        model(3, 3, 2, [.flatten, .dense(outputs: 5), .relu]),
        model(6, 6, 1, [
            .convolution(kernel: 3, filters: 2, padding: .same), .relu, .maxPool,
            .convolution(kernel: 3, filters: 3, padding: .same), .relu, .maxPool, .flatten,
        ]),
    ])
    func backpropagationMatchesFiniteDifferences(architecture: ModelArchitecture) throws {
        var generator = SeededGenerator(seed: 11)
        let batch = 5
        let inputs = (0..<(batch * architecture.inputCount)).map { _ in Float(generator.nextUnit()) }
        let labels = (0..<batch).map { $0 % architecture.classCount }
        var parameters = architecture.initialParameters(seed: 3)
        // Non-zero biases, so their gradients are exercised too.
        for i in parameters.indices where parameters[i] == 0 { parameters[i] = Float(generator.nextUnit() - 0.5) * 0.2 }
        let trainer = try LocalTrainer(architecture: architecture, configuration: SGDConfiguration(learningRate: 0.1, batchSize: batch))
        let analytic = try trainer.lossAndGradient(parameters: parameters, inputs: inputs, labels: labels).gradient
        let numeric = try FiniteDifferences(trainer: trainer, inputs: inputs, labels: labels, step: 2e-3).derivatives(at: parameters)
        let scale = max(analytic.map(abs).max()!, 1e-3)
        var oneSided = 0
        for i in parameters.indices {
            let check = numeric[i].agrees(with: analytic[i], tolerance: 2e-3 * scale + 1e-4)
            #expect(check.agrees, "parameter \(i): \(analytic[i]) vs \(numeric[i])")
            if check.oneSided { oneSided += 1 }
        }
        #expect(oneSided * 20 <= parameters.count, "\(oneSided) of \(parameters.count) parameters matched only a one-sided difference")
    }

    @Test func lossOfUniformPredictionIsLogOfClassCount() throws {
        let architecture = ModelArchitecture.softmaxRegression(inputs: 3, classes: 10)
        let trainer = try LocalTrainer(architecture: architecture, configuration: SGDConfiguration(learningRate: 0.1, batchSize: 2))
        let zeros = [Float](repeating: 0, count: architecture.parameterCount)
        let loss = try trainer.lossAndGradient(parameters: zeros, inputs: [1, 2, 3, 4, 5, 6], labels: [0, 9]).loss
        #expect(abs(loss - log(10.0)) < 1e-5)
    }

    @Test func rejectsWrongParameterCount() throws {
        let architecture = ModelArchitecture.softmaxRegression(inputs: 3, classes: 2)
        let trainer = try LocalTrainer(architecture: architecture, configuration: SGDConfiguration(learningRate: 0.1, batchSize: 2))
        #expect(throws: TrainingError.self) { try trainer.lossAndGradient(parameters: [0, 0], inputs: [1, 2, 3], labels: [1]) }
    }
}
