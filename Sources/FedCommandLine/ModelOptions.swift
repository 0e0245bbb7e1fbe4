import ArgumentParser
import FedData
import FedLearning

/// `--model` and `--hidden`: which network to train.
public struct ModelOptions: ParsableArguments {
    /// The model families on offer.
    public enum Kind: String, ExpressibleByArgument, CaseIterable, Sendable {
        case softmax
        case mlp
        case cnn
        case lenet5
    }

    @Option(help: """
        Model: softmax (multinomial logistic regression), mlp (ReLU hidden layer), cnn (the FedAvg paper's CNN: \
        5x5 conv 32, 2x2 max-pool, 5x5 conv 64, 2x2 max-pool, dense 512; 1,663,370 parameters on 28x28x1) or \
        lenet5 (LeNet-5 with ReLU and max-pooling; 61,706 parameters on 28x28x1).
        """)
    public var model: Kind = .mlp

    @Option(help: "Hidden units of the MLP (other models ignore it).")
    public var hidden: Int = 128

    public init() {}

    public func validate() throws {
        guard hidden > 0 else { throw ValidationError("--hidden must be at least 1, e.g. --hidden 128") }
    }

    /// The architecture for samples of `sample` in `classes` classes; throws, naming the shapes, if
    /// the model cannot take them.
    public func architecture(sample: SampleShape, classes: Int) throws -> ModelArchitecture {
        switch model {
        case .softmax: return .softmaxRegression(inputs: sample.featureCount, classes: classes)
        case .mlp: return .mlp(inputs: sample.featureCount, hidden: [hidden], classes: classes)
        case .cnn: return try .fedAvgCNN(input: sample, classes: classes)
        case .lenet5: return try .lenet5(input: sample, classes: classes)
        }
    }

    /// The flags that reproduce these options on another command line.
    public var arguments: [String] { ["--model", model.rawValue, "--hidden", String(hidden)] }
}
