import FedData
import FedLearning

/// Which network to train, as a value: what ``ModelOptions`` parses from `--model`, `--hidden` and
/// `--initial-parameters`.
public struct ModelChoice: Sendable, Hashable, Codable {
    /// FedWatt's own model families.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case softmax
        case mlp
        case cnn
        case lenet5
    }

    /// A model FedWatt does not implement (`--model external:NAME`): its name and the `.npy` file of
    /// its initial parameters.
    public struct External: Sendable, Hashable, Codable {
        /// The name the job gives it.
        public var name: String
        /// The `.npy` file of its initial parameters (`--initial-parameters`), which also gives its size.
        public var initialParameters: String

        /// Describes an external model.
        public init(name: String, initialParameters: String) {
            self.name = name
            self.initialParameters = initialParameters
        }
    }

    /// FedWatt's model family (not used when ``external`` is set).
    public var kind: Kind
    /// Hidden units of the MLP (other models ignore it).
    public var hidden: Int
    /// The external model, when the job trains one instead of FedWatt's (nil in job files written
    /// before external models).
    public var external: External?

    /// Chooses a model.
    public init(kind: Kind, hidden: Int, external: External? = nil) {
        self.kind = kind
        self.hidden = hidden
        self.external = external
    }

    /// The architecture for samples of `sample` in `classes` classes; throws, naming the shapes, if
    /// the model cannot take them, and for an external model, which FedWatt cannot build.
    public func architecture(sample: SampleShape, classes: Int) throws -> ModelArchitecture {
        if let external {
            throw TrainingError.invalidConfiguration(
                "external:\(external.name) is a model FedWatt does not implement: only clients with their own training code "
                    + "(the Python client, Clients/README.md) can train it, so neither FedWatt's own clients nor its centralized baseline can")
        }
        switch kind {
        case .softmax: return .softmaxRegression(inputs: sample.featureCount, classes: classes)
        case .mlp: return .mlp(inputs: sample.featureCount, hidden: [hidden], classes: classes)
        case .cnn: return try .fedAvgCNN(input: sample, classes: classes)
        case .lenet5: return try .lenet5(input: sample, classes: classes)
        }
    }

    /// The external model's initial parameters, read from its `.npy` file (nil for FedWatt's own models).
    public func initialParameters() throws -> [Float]? {
        try external.map { try NPYFile.read(path: $0.initialParameters) }
    }

    /// The job's model for samples of `sample` in `classes` classes: FedWatt's architecture, or the
    /// external model whose `initialParameters` give its size.
    public func jobModel(sample: SampleShape, classes: Int, initialParameters: [Float]?) throws -> JobModel {
        guard let external else { return .architecture(try architecture(sample: sample, classes: classes)) }
        guard let initialParameters else {
            throw TrainingError.invalidConfiguration("external:\(external.name) needs its initial parameters (--initial-parameters FILE.npy)")
        }
        return .external(ExternalModel(name: external.name, parameterCount: initialParameters.count))
    }
}
