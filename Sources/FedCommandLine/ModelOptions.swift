import ArgumentParser
import FedLearning

/// `--model`, `--hidden` and `--initial-parameters`: which network to train (``choice`` gives it as
/// a value).
public struct ModelOptions: ParsableArguments {
    @Option(help: """
        Model: softmax (multinomial logistic regression), mlp (ReLU hidden layer), cnn (the FedAvg paper's CNN: \
        5x5 conv 32, 2x2 max-pool, 5x5 conv 64, 2x2 max-pool, dense 512; 1,663,370 parameters on 28x28x1), \
        lenet5 (LeNet-5 with ReLU and max-pooling; 61,706 parameters on 28x28x1), or external:NAME, a model \
        FedWatt does not implement, trained and evaluated by clients with their own code (needs \
        --initial-parameters; fedwatt-coordinator only).
        """)
    public var model: ModelName = .fedWatt(.mlp)

    @Option(help: "Hidden units of the MLP (other models ignore it).")
    public var hidden: Int = 128

    @Option(
        name: .customLong("initial-parameters"),
        help: """
            The .npy file (np.save of a float32 or float64 array, C order, any shape) whose values, flattened, are \
            the initial parameters of --model external:NAME; its length is the model's parameter count.
            """)
    public var initialParameters: String?

    public init() {}

    public func validate() throws {
        guard hidden > 0 else { throw ValidationError("--hidden must be at least 1, e.g. --hidden 128") }
        switch model {
        case .fedWatt(let kind):
            guard initialParameters == nil else {
                throw ValidationError("--initial-parameters is for --model external:NAME; \(kind.rawValue) starts from the job seed")
            }
        case .external(let name):
            do {
                try ExternalModel(name: name, parameterCount: 1).validate()
            } catch {
                throw ValidationError("--model external:\(name): \(error)")
            }
            guard initialParameters != nil else {
                throw ValidationError("--model external:\(name) needs --initial-parameters FILE.npy, the model's initial parameters")
            }
        }
    }

    /// Throws a ``ValidationError`` for an external model: `command` trains with FedWatt's own code.
    public func requireFedWattModel(for command: String) throws {
        guard case .external(let name) = model else { return }
        throw ValidationError(
            "\(command) cannot run --model external:\(name): its clients and its centralized baseline are FedWatt's, which cannot "
                + "train a model FedWatt does not implement. Run fedwatt-coordinator with clients that can (Clients/README.md).")
    }

    /// The model these flags choose.
    public var choice: ModelChoice {
        switch model {
        case .fedWatt(let kind): return ModelChoice(kind: kind, hidden: hidden)
        case .external(let name):
            return ModelChoice(kind: .mlp, hidden: hidden, external: .init(name: name, initialParameters: initialParameters ?? ""))
        }
    }
}

/// What `--model` names: one of FedWatt's models, or `external:NAME`.
public enum ModelName: Sendable, Hashable, ExpressibleByArgument {
    case fedWatt(ModelChoice.Kind)
    case external(String)

    public init?(argument: String) {
        if let kind = ModelChoice.Kind(rawValue: argument) {
            self = .fedWatt(kind)
        } else if argument.hasPrefix("external:"), argument.count > "external:".count {
            self = .external(String(argument.dropFirst("external:".count)))
        } else {
            return nil
        }
    }

    public var defaultValueDescription: String {
        switch self {
        case .fedWatt(let kind): return kind.rawValue
        case .external(let name): return "external:\(name)"
        }
    }

    public static var allValueStrings: [String] { ModelChoice.Kind.allCases.map(\.rawValue) + ["external:NAME"] }
}
