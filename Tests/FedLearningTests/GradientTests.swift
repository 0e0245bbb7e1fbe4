import FedData
import FedLearning
import Foundation
import Testing

@Suite struct GradientTests {
    /// Central finite differences of the mean loss, computed in Float32 with step `h`.
    func numericalGradient(_ trainer: LocalTrainer, parameters: [Float], inputs: [Float], labels: [Int], h: Float) throws -> [Float] {
        var probe = parameters
        return try parameters.indices.map { i in
            probe[i] = parameters[i] + h
            let plus = try trainer.lossAndGradient(parameters: probe, inputs: inputs, labels: labels).loss
            probe[i] = parameters[i] - h
            let minus = try trainer.lossAndGradient(parameters: probe, inputs: inputs, labels: labels).loss
            probe[i] = parameters[i]
            return Float((plus - minus) / Double(2 * h))
        }
    }

    @Test(arguments: [
        ModelArchitecture.softmaxRegression(inputs: 6, classes: 4),
        ModelArchitecture.mlp(inputs: 6, hidden: [5], classes: 4),
        ModelArchitecture.mlp(inputs: 6, hidden: [7, 5], classes: 3),
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
        let numeric = try numericalGradient(trainer, parameters: parameters, inputs: inputs, labels: labels, h: 2e-3)
        let scale = max(analytic.map(abs).max()!, 1e-3)
        for i in parameters.indices {
            #expect(abs(analytic[i] - numeric[i]) <= 2e-3 * scale + 1e-4, "parameter \(i): \(analytic[i]) vs \(numeric[i])")
        }
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
