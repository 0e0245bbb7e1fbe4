import FedData
import FedLearning

/// Which network to train, as a value: what ``ModelOptions`` parses from `--model` and `--hidden`.
public struct ModelChoice: Sendable, Hashable, Codable {
    /// The model families on offer.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case softmax
        case mlp
        case cnn
        case lenet5
    }

    /// The family.
    public var kind: Kind
    /// Hidden units of the MLP (other models ignore it).
    public var hidden: Int

    /// The architecture for samples of `sample` in `classes` classes; throws, naming the shapes, if
    /// the model cannot take them.
    public func architecture(sample: SampleShape, classes: Int) throws -> ModelArchitecture {
        switch kind {
        case .softmax: return .softmaxRegression(inputs: sample.featureCount, classes: classes)
        case .mlp: return .mlp(inputs: sample.featureCount, hidden: [hidden], classes: classes)
        case .cnn: return try .fedAvgCNN(input: sample, classes: classes)
        case .lenet5: return try .lenet5(input: sample, classes: classes)
        }
    }
}
