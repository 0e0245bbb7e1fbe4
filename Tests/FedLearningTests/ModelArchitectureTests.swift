import FedLearning
import Testing

@Suite struct ModelArchitectureTests {
    @Test func countsParametersOfTheDefaultModels() {
        #expect(ModelArchitecture.softmaxRegression(inputs: 784, classes: 10).parameterCount == 7_850)
        #expect(ModelArchitecture.mlp(inputs: 784, hidden: [128], classes: 10).parameterCount == 101_770)
    }

    @Test func laysOutLayersWeightsThenBiases() {
        let mlp = ModelArchitecture.mlp(inputs: 784, hidden: [128], classes: 10)
        #expect(mlp.offsets(ofLayer: 0) == (0, 100_352))
        #expect(mlp.offsets(ofLayer: 2) == (100_480, 101_760))  // layer 1 is the ReLU
    }

    @Test func countsFLOPsByHand() {
        let mlp = ModelArchitecture.mlp(inputs: 784, hidden: [128], classes: 10)
        // Forward: 2*784*128 + 128 + 128 (ReLU) + 2*128*10 + 10 + 3*10 (softmax).
        #expect(mlp.forwardFLOPsPerSample == 200_704 + 256 + 2_560 + 40)
        // Backward: 10 (dZ) + 2*784*128 + 128 + 2*128*10 + 10 + 2*128*10 + 128 (input gradient and ReLU mask).
        #expect(mlp.backwardFLOPsPerSample == 10 + 200_704 + 128 + 2_560 + 10 + 2_560 + 128)
        let plain = SGDConfiguration(learningRate: 0.1, batchSize: 32)
        #expect(mlp.updateFLOPs(plain) == 2 * 101_770)
        var heavy = plain
        heavy.momentum = 0.9
        heavy.weightDecay = 1e-4
        heavy.proximalMu = 0.01
        #expect(mlp.updateFLOPs(heavy) == 9 * 101_770)
        #expect(mlp.trainingFLOPs(samples: 100, batches: 4, configuration: plain)
            == 100 * (mlp.forwardFLOPsPerSample + mlp.backwardFLOPsPerSample) + 4 * 2 * 101_770)
    }

    @Test func initialisationIsSeededAndScaledByFanIn() {
        let mlp = ModelArchitecture.mlp(inputs: 784, hidden: [128], classes: 10)
        let a = mlp.initialParameters(seed: 1)
        #expect(a == mlp.initialParameters(seed: 1))
        #expect(a != mlp.initialParameters(seed: 2))
        let limit = Float((6.0 / 784).squareRoot())
        #expect(a[0..<100_352].allSatisfy { abs($0) <= limit })
        #expect(a[100_352..<100_480].allSatisfy { $0 == 0 })
    }

    @Test func describesItself() {
        #expect(ModelArchitecture.mlp(inputs: 784, hidden: [128], classes: 10).description == "mlp 784-128-10")
        #expect(ModelArchitecture.softmaxRegression(inputs: 784, classes: 10).description == "softmax 784-10")
    }
}
