import FedData

/// One layer of a ``ModelArchitecture``, in the order the forward pass runs them.
///
/// Every model ends in a softmax with the cross-entropy loss, which is not a layer of its own: the
/// last layer is a ``dense(outputs:)`` with one output per class.
public enum Layer: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A 2-D convolution with square `kernel x kernel` filters, stride 1, and a bias per filter.
    case convolution(kernel: Int, filters: Int, padding: Padding)
    /// 2x2 max-pooling with stride 2; an odd last row or column is dropped.
    case maxPool
    /// `max(0, x)` element-wise.
    case relu
    /// Turns an `h x w x c` sample into a flat `1 x 1 x hwc` one (the values stay in place).
    case flatten
    /// A fully connected layer on a flat input, with a bias per output.
    case dense(outputs: Int)

    /// How a convolution treats the border.
    public enum Padding: String, Sendable, Hashable, Codable {
        /// Zeros around the input, `(kernel - 1) / 2` on each side, so the output keeps the input's
        /// height and width (odd kernels only).
        case same
        /// No padding: the output is `kernel - 1` smaller in height and width.
        case valid
    }

    /// The shape of this layer's output for an input of `input`; throws, naming both, if it cannot take it.
    public func outputShape(for input: SampleShape) throws -> SampleShape {
        func refuse(_ reason: String) -> TrainingError { .shapeMismatch("\(self) cannot take \(input) samples: \(reason)") }
        switch self {
        case .convolution(let kernel, let filters, let padding):
            guard kernel > 0, filters > 0 else { throw refuse("kernel and filters must be positive") }
            switch padding {
            case .same:
                guard kernel % 2 == 1 else { throw refuse("same padding needs an odd kernel") }
                return SampleShape(height: input.height, width: input.width, channels: filters)
            case .valid:
                guard input.height >= kernel, input.width >= kernel else { throw refuse("the kernel is larger than the input") }
                return SampleShape(height: input.height - kernel + 1, width: input.width - kernel + 1, channels: filters)
            }
        case .maxPool:
            guard input.height >= 2, input.width >= 2 else { throw refuse("2x2 max-pooling needs at least 2x2") }
            return SampleShape(height: input.height / 2, width: input.width / 2, channels: input.channels)
        case .relu:
            return input
        case .flatten:
            return .flat(input.featureCount)
        case .dense(let outputs):
            guard outputs > 0 else { throw refuse("outputs must be positive") }
            guard input.height == 1, input.width == 1 else { throw refuse("a dense layer needs a flat input: flatten first") }
            return .flat(outputs)
        }
    }

    /// Number of weights for an input of `input` (biases not included).
    func weightCount(input: SampleShape) -> Int {
        switch self {
        case .convolution(let kernel, let filters, _): return kernel * kernel * input.channels * filters
        case .dense(let outputs): return input.featureCount * outputs
        case .maxPool, .relu, .flatten: return 0
        }
    }

    /// Number of biases: one per filter or output.
    var biasCount: Int {
        switch self {
        case .convolution(_, let filters, _): return filters
        case .dense(let outputs): return outputs
        case .maxPool, .relu, .flatten: return 0
        }
    }

    /// Whether the layer has weights and biases.
    var hasParameters: Bool { biasCount > 0 }

    /// Fan-in and fan-out of one weight, for the initialisation: `kernel * kernel * channels` in and
    /// `kernel * kernel * filters` out for a convolution, inputs and outputs for a dense layer.
    func fans(input: SampleShape) -> (fanIn: Int, fanOut: Int) {
        switch self {
        case .convolution(let kernel, let filters, _): return (kernel * kernel * input.channels, kernel * kernel * filters)
        case .dense(let outputs): return (input.featureCount, outputs)
        case .maxPool, .relu, .flatten: return (0, 0)
        }
    }

    /// `conv5x5x32-same`, `maxpool2x2`, `relu`, `flatten`, `dense512`.
    public var description: String {
        switch self {
        case .convolution(let kernel, let filters, let padding): return "conv\(kernel)x\(kernel)x\(filters)-\(padding.rawValue)"
        case .maxPool: return "maxpool2x2"
        case .relu: return "relu"
        case .flatten: return "flatten"
        case .dense(let outputs): return "dense\(outputs)"
        }
    }
}
