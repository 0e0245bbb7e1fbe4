import FedData

/// A classifier: a stack of ``Layer``s on samples of one shape, ending in a softmax over the classes.
///
/// Parameters live in one flat `[Float]` vector, layer by layer: each layer with parameters puts its
/// weights first, then its biases. A dense layer's weights are its `inputs x outputs` matrix, row-major;
/// a convolution's are `kernel x kernel x channels x filters` (kernel row, kernel column, input
/// channel, filter), row-major, that is the `(kernel * kernel * channels) x filters` matrix that
/// multiplies a sample's patches. Deltas, codecs and aggregation all work on that vector.
public struct ModelArchitecture: Sendable, Hashable, CustomStringConvertible {
    /// The shape of the samples the model takes.
    public let inputShape: SampleShape
    /// The layers, input side first; the last is the dense layer of class scores.
    public let layers: [Layer]
    /// The output shape of each layer (`shapes[i]` is what layer `i` writes).
    public let shapes: [SampleShape]

    /// Builds a model, checking that each layer can take its input and that the last is a dense layer;
    /// the error names the shapes.
    public init(inputShape: SampleShape, layers: [Layer]) throws {
        guard case .dense = layers.last else {
            throw TrainingError.shapeMismatch("a model's last layer must be dense, with one output per class")
        }
        var shapes = [SampleShape]()
        var shape = inputShape
        for (index, layer) in layers.enumerated() {
            do {
                shape = try layer.outputShape(for: shape)
            } catch TrainingError.shapeMismatch(let detail) {
                throw TrainingError.shapeMismatch("a model on \(inputShape) samples, layer \(index + 1) of \(layers.count): \(detail)")
            }
            shapes.append(shape)
        }
        self.inputShape = inputShape
        self.layers = layers
        self.shapes = shapes
    }

    /// A fully connected network on flat inputs with ReLU between its layers: widths from input to output.
    public init(layerSizes: [Int]) {
        precondition(layerSizes.count >= 2 && layerSizes.allSatisfy { $0 > 0 }, "need at least input and output widths")
        let layers = layerSizes.dropFirst().enumerated().flatMap { index, width in
            index == 0 ? [Layer.dense(outputs: width)] : [.relu, .dense(outputs: width)]
        }
        // Dense layers on a flat input always fit.
        try! self.init(inputShape: .flat(layerSizes[0]), layers: layers)
    }

    /// Multinomial logistic regression: one linear layer and a softmax.
    public static func softmaxRegression(inputs: Int, classes: Int) -> ModelArchitecture {
        ModelArchitecture(layerSizes: [inputs, classes])
    }

    /// A multilayer perceptron with ReLU hidden layers of the given widths.
    public static func mlp(inputs: Int, hidden: [Int], classes: Int) -> ModelArchitecture {
        ModelArchitecture(layerSizes: [inputs] + hidden + [classes])
    }

    /// The CNN of McMahan et al. 2017 (the FedAvg paper): 5x5 convolution with 32 filters, ReLU, 2x2
    /// max-pool, 5x5 convolution with 64 filters, ReLU, 2x2 max-pool, dense 512 with ReLU, dense to
    /// the classes; `same` padding. 1,663,370 parameters on 28x28x1 with 10 classes.
    public static func fedAvgCNN(input: SampleShape, classes: Int) throws -> ModelArchitecture {
        try ModelArchitecture(inputShape: input, layers: [
            .convolution(kernel: 5, filters: 32, padding: .same), .relu, .maxPool,
            .convolution(kernel: 5, filters: 64, padding: .same), .relu, .maxPool,
            .flatten, .dense(outputs: 512), .relu, .dense(outputs: classes),
        ])
    }

    /// LeNet-5 (LeCun et al. 1998) as usually run on 28x28 images today: 5x5 convolution with 6
    /// filters and `same` padding (the original's 32x32 input), ReLU, 2x2 max-pool, 5x5 convolution
    /// with 16 filters and `valid` padding, ReLU, 2x2 max-pool, dense 120 and 84 with ReLU, dense to
    /// the classes. ReLU and max-pooling replace the original's scaled tanh and trainable subsampling.
    /// 61,706 parameters on 28x28x1 with 10 classes.
    public static func lenet5(input: SampleShape, classes: Int) throws -> ModelArchitecture {
        try ModelArchitecture(inputShape: input, layers: [
            .convolution(kernel: 5, filters: 6, padding: .same), .relu, .maxPool,
            .convolution(kernel: 5, filters: 16, padding: .valid), .relu, .maxPool,
            .flatten, .dense(outputs: 120), .relu, .dense(outputs: 84), .relu, .dense(outputs: classes),
        ])
    }

    /// Number of input values per sample.
    public var inputCount: Int { inputShape.featureCount }
    /// Number of classes.
    public var classCount: Int { shapes[shapes.count - 1].featureCount }

    /// The shape layer `index` reads.
    func inputShape(ofLayer index: Int) -> SampleShape { index == 0 ? inputShape : shapes[index - 1] }

    /// Total number of parameters (weights and biases).
    public var parameterCount: Int {
        layers.indices.reduce(0) { $0 + layers[$1].weightCount(input: inputShape(ofLayer: $1)) + layers[$1].biasCount }
    }

    /// Where layer `index`'s weights and biases start in the flat parameter vector (both where the
    /// next layer's parameters start, for a layer without any).
    public func offsets(ofLayer index: Int) -> (weights: Int, biases: Int) {
        var offset = 0
        for k in 0..<index { offset += layers[k].weightCount(input: inputShape(ofLayer: k)) + layers[k].biasCount }
        return (offset, offset + layers[index].weightCount(input: inputShape(ofLayer: index)))
    }

    /// The widths of a fully connected network (dense layers with ReLU between them, on flat
    /// input), input first; nil for any other model.
    public var layerSizes: [Int]? {
        guard inputShape.height == 1, inputShape.width == 1 else { return nil }
        var sizes = [inputCount]
        for (index, layer) in layers.enumerated() {
            switch layer {
            case .dense(let outputs) where index % 2 == 0: sizes.append(outputs)
            case .relu where index % 2 == 1: continue
            default: return nil
            }
        }
        return sizes
    }

    /// Seeded initial parameters: weights uniform in `±sqrt(6 / fanIn)` (He) for layers followed by a
    /// ReLU, `±sqrt(6 / (fanIn + fanOut))` (Glorot) for the others, drawn in layout order; zero biases.
    public func initialParameters(seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed, stream: 0x1417)
        var parameters = [Float](repeating: 0, count: parameterCount)
        for (index, layer) in layers.enumerated() where layer.hasParameters {
            let (fanIn, fanOut) = layer.fans(input: inputShape(ofLayer: index))
            let feedsReLU = index + 1 < layers.count && layers[index + 1] == .relu
            let limit = feedsReLU ? (6.0 / Double(fanIn)).squareRoot() : (6.0 / Double(fanIn + fanOut)).squareRoot()
            let (weights, biases) = offsets(ofLayer: index)
            for i in weights..<biases { parameters[i] = Float((2 * generator.nextUnit() - 1) * limit) }
        }
        return parameters
    }

    /// Whether the model takes samples of `shape`: the same shape, or, for a model whose input is
    /// flat, any shape with as many values.
    public func accepts(_ shape: SampleShape) -> Bool {
        shape == inputShape || (inputShape.height == 1 && inputShape.width == 1 && shape.featureCount == inputCount)
    }

    /// Checks that the model fits a dataset's sample shape and class count; the error names both.
    public func validate(for dataset: Dataset) throws {
        try validate(sampleShape: dataset.sampleShape, classCount: dataset.classCount)
    }

    /// Checks that the model fits samples of `sampleShape` in `classCount` classes; the error names both.
    public func validate(sampleShape: SampleShape, classCount: Int) throws {
        guard accepts(sampleShape), classCount == self.classCount else {
            throw TrainingError.shapeMismatch(
                "model \(self) expects \(inputShape) samples (\(inputCount) values) and \(self.classCount) classes; "
                    + "the dataset has \(sampleShape) samples (\(sampleShape.featureCount) values) and \(classCount) classes")
        }
    }

    /// `softmax 784-10`, `mlp 784-128-10`, or the input shape and the layers,
    /// `28x28x1 conv5x5x32-same relu maxpool2x2 … dense10`.
    public var description: String {
        if let sizes = layerSizes {
            return (sizes.count == 2 ? "softmax " : "mlp ") + sizes.map(String.init).joined(separator: "-")
        }
        return ([inputShape.description] + layers.map(\.description)).joined(separator: " ")
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
