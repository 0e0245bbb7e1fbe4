import FedData

/// A fully connected classifier: softmax regression (no hidden layer) or an MLP with ReLU hidden layers.
///
/// Parameters live in one flat `[Float]` vector, layer by layer: the weights of layer `l` as an
/// `inputs x outputs` row-major matrix, then its `outputs` biases. Deltas, codecs and aggregation
/// all work on that vector.
public struct ModelArchitecture: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Layer widths from input to output, e.g. `[784, 128, 10]`.
    public let layerSizes: [Int]

    /// Creates an architecture from layer widths (input first, classes last).
    public init(layerSizes: [Int]) {
        precondition(layerSizes.count >= 2 && layerSizes.allSatisfy { $0 > 0 }, "need at least input and output widths")
        self.layerSizes = layerSizes
    }

    /// Multinomial logistic regression: one linear layer and a softmax.
    public static func softmaxRegression(inputs: Int, classes: Int) -> ModelArchitecture {
        ModelArchitecture(layerSizes: [inputs, classes])
    }

    /// A multilayer perceptron with ReLU hidden layers of the given widths.
    public static func mlp(inputs: Int, hidden: [Int], classes: Int) -> ModelArchitecture {
        ModelArchitecture(layerSizes: [inputs] + hidden + [classes])
    }

    /// Number of input features.
    public var inputCount: Int { layerSizes[0] }
    /// Number of classes.
    public var classCount: Int { layerSizes[layerSizes.count - 1] }
    /// Number of linear layers.
    public var layerCount: Int { layerSizes.count - 1 }

    /// Total number of parameters (weights and biases).
    public var parameterCount: Int {
        (0..<layerCount).reduce(0) { $0 + layerSizes[$1] * layerSizes[$1 + 1] + layerSizes[$1 + 1] }
    }

    /// Where layer `l`'s weights and biases start in the flat parameter vector.
    public func offsets(ofLayer l: Int) -> (weights: Int, biases: Int) {
        var offset = 0
        for k in 0..<l { offset += layerSizes[k] * layerSizes[k + 1] + layerSizes[k + 1] }
        return (offset, offset + layerSizes[l] * layerSizes[l + 1])
    }

    /// Seeded initial parameters: He-uniform weights for layers feeding a ReLU, Glorot-uniform for
    /// the output layer, zero biases.
    public func initialParameters(seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed, stream: 0x1417)
        var parameters = [Float](repeating: 0, count: parameterCount)
        for l in 0..<layerCount {
            let fanIn = Double(layerSizes[l])
            let fanOut = Double(layerSizes[l + 1])
            let limit = l == layerCount - 1 ? (6.0 / (fanIn + fanOut)).squareRoot() : (6.0 / fanIn).squareRoot()
            let (weights, biases) = offsets(ofLayer: l)
            for i in weights..<biases { parameters[i] = Float((2 * generator.nextUnit() - 1) * limit) }
        }
        return parameters
    }

    /// Checks that the model fits a dataset's feature and class counts.
    public func validate(for dataset: Dataset) throws {
        guard dataset.featureCount == inputCount, dataset.classCount == classCount else {
            throw TrainingError.shapeMismatch(
                "model \(self) expects \(inputCount) features and \(classCount) classes; "
                    + "the dataset has \(dataset.featureCount) and \(dataset.classCount)")
        }
    }

    /// `softmax 784-10` or `mlp 784-128-10`.
    public var description: String {
        (layerCount == 1 ? "softmax " : "mlp ") + layerSizes.map(String.init).joined(separator: "-")
    }
}

/// Why training or evaluation was refused.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// Parameters, model and data do not fit together.
    case shapeMismatch(String)
    /// A hyper-parameter is out of range.
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .shapeMismatch(let detail): return "shape mismatch: \(detail)"
        case .invalidConfiguration(let detail): return "invalid training configuration: \(detail)"
        }
    }
}
