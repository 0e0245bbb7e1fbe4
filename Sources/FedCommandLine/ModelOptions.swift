import ArgumentParser
import FedData
import FedLearning

/// `--model` and `--hidden`: which network to train.
public struct ModelOptions: ParsableArguments {
    /// The model families on offer.
    public enum Kind: String, ExpressibleByArgument, CaseIterable, Sendable {
        case softmax
        case mlp
    }

    @Option(help: "Model: softmax (multinomial logistic regression) or mlp (ReLU hidden layer).")
    public var model: Kind = .mlp

    @Option(help: "Hidden units of the MLP.")
    public var hidden: Int = 128

    public init() {}

    public func validate() throws {
        guard hidden > 0 else { throw ValidationError("--hidden must be at least 1, e.g. --hidden 128") }
    }

    /// The architecture for data of the given shape.
    public func architecture(features: Int, classes: Int) -> ModelArchitecture {
        switch model {
        case .softmax: return .softmaxRegression(inputs: features, classes: classes)
        case .mlp: return .mlp(inputs: features, hidden: [hidden], classes: classes)
        }
    }

    /// The flags that reproduce these options on another command line.
    public var arguments: [String] { ["--model", model.rawValue, "--hidden", String(hidden)] }
}
