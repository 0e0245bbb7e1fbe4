import FedData
import FedLearning
import Foundation
import Testing

@Suite struct ConvolutionalModelTests {
    let fashion = SampleShape(height: 28, width: 28, channels: 1)

    @Test func countsTheFedAvgPapersCNNAndLeNet5() throws {
        #expect(try ModelArchitecture.fedAvgCNN(input: fashion, classes: 10).parameterCount == 1_663_370)
        #expect(try ModelArchitecture.lenet5(input: fashion, classes: 10).parameterCount == 61_706)
    }

    @Test func laysOutConvolutionWeightsThenBiases() throws {
        let cnn = try ModelArchitecture.fedAvgCNN(input: fashion, classes: 10)
        #expect(cnn.offsets(ofLayer: 0) == (0, 800))  // 5 * 5 * 1 * 32 weights, then 32 biases
        #expect(cnn.offsets(ofLayer: 3) == (832, 832 + 51_200))  // 5 * 5 * 32 * 64
        #expect(cnn.offsets(ofLayer: 7) == (52_096, 52_096 + 1_605_632))  // 7 * 7 * 64 = 3136 inputs x 512
        #expect(cnn.shapes.map(\.description) == [
            "28x28x32", "28x28x32", "14x14x32", "14x14x64", "14x14x64", "7x7x64", "1x1x3136", "1x1x512", "1x1x512", "1x1x10",
        ])
    }

    @Test func countsCNNFLOPsByHand() throws {
        let cnn = try ModelArchitecture.fedAvgCNN(input: fashion, classes: 10)
        let conv1 = 2 * 784 * 25 * 32, conv2 = 2 * 196 * 800 * 64, dense1 = 2 * 3136 * 512, dense2 = 2 * 512 * 10
        // Products and biases, ReLU one per value, pooling 3 per output, softmax 3 per class.
        #expect(cnn.forwardFLOPsPerSample
            == conv1 + 25_088 + 25_088 + 3 * 6_272 + conv2 + 12_544 + 12_544 + 3 * 3_136 + dense1 + 512 + 512 + dense2 + 10 + 30)
        // Loss gradient; weight and bias gradients; input gradients past the first convolution (with
        // the second convolution's scatter-add of 196 x 800 patch values) and ReLU masks.
        #expect(cnn.backwardFLOPsPerSample
            == 10 + (2 * dense2 + 10) + 512 + (2 * dense1 + 512) + 12_544 + (2 * conv2 + 12_544 + 196 * 800) + 25_088 + (conv1 + 25_088))
    }

    @Test func initialisesConvolutionsByFanIn() throws {
        let cnn = try ModelArchitecture.fedAvgCNN(input: fashion, classes: 10)
        let parameters = cnn.initialParameters(seed: 1)
        let limit = Float((6.0 / 25).squareRoot())
        #expect(parameters[0..<800].allSatisfy { abs($0) <= limit } && parameters[0..<800].contains { abs($0) > 0.9 * limit })
        #expect(parameters[800..<832].allSatisfy { $0 == 0 })
        let outputLimit = Float((6.0 / (512 + 10)).squareRoot())
        #expect(parameters[(cnn.parameterCount - 5_130)..<(cnn.parameterCount - 10)].allSatisfy { abs($0) <= outputLimit })
    }

    @Test func encodesFullyConnectedModelsAsLayerSizesAndOthersAsLayers() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let mlp = ModelArchitecture.mlp(inputs: 784, hidden: [128], classes: 10)
        #expect(String(decoding: try encoder.encode(mlp), as: UTF8.self) == #"{"layerSizes":[784,128,10]}"#)
        let lenet = try ModelArchitecture.lenet5(input: fashion, classes: 10)
        let json = try encoder.encode(lenet)
        #expect(String(decoding: json, as: UTF8.self).hasPrefix(
            #"{"inputShape":{"channels":1,"height":28,"width":28},"layers":[{"convolution":{"filters":6,"kernel":5,"padding":"same"}},{"relu":{}},{"maxPool":{}}"#))
        #expect(try JSONDecoder().decode(ModelArchitecture.self, from: json) == lenet)
        #expect(try JSONDecoder().decode(ModelArchitecture.self, from: encoder.encode(mlp)) == mlp)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ModelArchitecture.self, from: Data(#"{"inputShape":{"channels":1,"height":0,"width":28},"layers":[]}"#.utf8))
        }
    }

    @Test func refusesShapesItCannotTakeNamingThem() throws {
        #expect(throws: TrainingError.shapeMismatch(
            "a model on 1x1x64 samples, layer 3 of 10: maxpool2x2 cannot take 1x1x32 samples: 2x2 max-pooling needs at least 2x2")
        ) { try ModelArchitecture.fedAvgCNN(input: .flat(64), classes: 10) }
        #expect(throws: TrainingError.self) { try ModelArchitecture(inputShape: fashion, layers: [.convolution(kernel: 4, filters: 2, padding: .same), .flatten, .dense(outputs: 2)]) }
        #expect(throws: TrainingError.self) { try ModelArchitecture(inputShape: fashion, layers: [.dense(outputs: 2)]) }
        let cnn = try ModelArchitecture.fedAvgCNN(input: fashion, classes: 10)
        let flat = SyntheticTask(featureCount: 784, classCount: 10, seed: 1).makeDataset(count: 10, seed: 2)
        #expect(throws: TrainingError.shapeMismatch(
            "model \(cnn) expects 28x28x1 samples (784 values) and 10 classes; the dataset has 1x1x784 samples (784 values) and 10 classes")
        ) { try cnn.validate(for: flat) }
        #expect(throws: Never.self) { try ModelArchitecture.mlp(inputs: 784, hidden: [8], classes: 10).validate(for: flat) }
    }

    /// The whole FedAvg CNN on two Fashion-MNIST-sized samples: backpropagation against finite
    /// differences at a few parameters of every weight and bias block.
    @Test func wholeCNNGradientMatchesFiniteDifferences() throws {
        let cnn = try ModelArchitecture.fedAvgCNN(input: fashion, classes: 10)
        var generator = SeededGenerator(seed: 21)
        let inputs = (0..<(2 * cnn.inputCount)).map { _ in Float(generator.nextUnit()) }
        let labels = [3, 7]
        var parameters = cnn.initialParameters(seed: 5)
        for i in parameters.indices where parameters[i] == 0 { parameters[i] = Float(generator.nextUnit() - 0.5) * 0.1 }
        var probes = [Int]()
        for index in cnn.layers.indices where cnn.offsets(ofLayer: index).weights < cnn.offsets(ofLayer: index).biases {
            let (weights, biases) = cnn.offsets(ofLayer: index)
            let end = index + 1 < cnn.layers.count ? cnn.offsets(ofLayer: index + 1).weights : cnn.parameterCount
            probes += (0..<6).map { _ in Int.random(in: weights..<biases, using: &generator) }
            probes += (0..<3).map { _ in Int.random(in: biases..<end, using: &generator) }
        }
        let trainer = try LocalTrainer(architecture: cnn, configuration: SGDConfiguration(learningRate: 0.1, batchSize: 2))
        let analytic = try trainer.lossAndGradient(parameters: parameters, inputs: inputs, labels: labels).gradient
        let numeric = try FiniteDifferences(trainer: trainer, inputs: inputs, labels: labels, step: 1e-3)
            .derivatives(at: parameters, indices: probes)
        let scale = probes.map { abs(analytic[$0]) }.max()!
        var oneSided = 0
        for (probe, index) in probes.enumerated() {
            let check = numeric[probe].agrees(with: analytic[index], tolerance: 1e-2 * scale + 2e-4)
            #expect(check.agrees, "parameter \(index): \(analytic[index]) vs \(numeric[probe])")
            if check.oneSided { oneSided += 1 }
        }
        #expect(oneSided * 10 <= probes.count, "\(oneSided) of \(probes.count) parameters matched only a one-sided difference")
    }

    /// Eight 28x28 samples go through the CNN's second convolution in chunks (6 and 2): the batch's
    /// gradient must be the mean of two 4-sample batches' (one chunk each), and one fused SGD step
    /// over the chunks the explicit step.
    @Test func chunkedConvolutionMatchesWholeBatches() throws {
        let cnn = try ModelArchitecture.fedAvgCNN(input: fashion, classes: 10)
        var generator = SeededGenerator(seed: 8)
        let inputs = (0..<(8 * cnn.inputCount)).map { _ in Float(generator.nextUnit()) }
        let labels = [0, 1, 2, 3, 4, 5, 6, 7]
        let start = cnn.initialParameters(seed: 2)
        let trainer = try LocalTrainer(architecture: cnn, configuration: SGDConfiguration(learningRate: 0.1, batchSize: 8))
        let whole = try trainer.lossAndGradient(parameters: start, inputs: inputs, labels: labels)
        let half = 4 * cnn.inputCount
        let first = try trainer.lossAndGradient(parameters: start, inputs: Array(inputs[..<half]), labels: Array(labels[..<4]))
        let second = try trainer.lossAndGradient(parameters: start, inputs: Array(inputs[half...]), labels: Array(labels[4...]))
        #expect(abs(whole.loss - (first.loss + second.loss) / 2) < 1e-5)
        let scale = whole.gradient.map(abs).max()!
        for i in start.indices {
            #expect(abs(whole.gradient[i] - (first.gradient[i] + second.gradient[i]) / 2) <= 1e-5 * scale, "parameter \(i)")
        }
        let batch = try Dataset(
            sampleShape: fashion, classCount: 10, pixels: inputs.map { UInt8(($0 * 255).rounded(.down)) }, labels: labels.map(UInt8.init))
        let scaled = batch.pixels.map { Float($0) / 255 }
        let gradient = try trainer.lossAndGradient(parameters: start, inputs: scaled, labels: labels).gradient
        var parameters = start
        var order = SeededGenerator(seed: 1)
        _ = try trainer.train(parameters: &parameters, on: batch, epochs: 1, generator: &order)
        for i in start.indices {
            #expect(abs(parameters[i] - (start[i] - 0.1 * gradient[i])) <= 1e-5, "parameter \(i)")
        }
    }
}
