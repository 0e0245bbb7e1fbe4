import ArgumentParser

/// `--model` and `--hidden`: which network to train (``choice`` gives it as a value).
public struct ModelOptions: ParsableArguments {
    @Option(help: """
        Model: softmax (multinomial logistic regression), mlp (ReLU hidden layer), cnn (the FedAvg paper's CNN: \
        5x5 conv 32, 2x2 max-pool, 5x5 conv 64, 2x2 max-pool, dense 512; 1,663,370 parameters on 28x28x1) or \
        lenet5 (LeNet-5 with ReLU and max-pooling; 61,706 parameters on 28x28x1).
        """)
    public var model: ModelChoice.Kind = .mlp

    @Option(help: "Hidden units of the MLP (other models ignore it).")
    public var hidden: Int = 128

    public init() {}

    public func validate() throws {
        guard hidden > 0 else { throw ValidationError("--hidden must be at least 1, e.g. --hidden 128") }
    }

    /// The model these flags choose.
    public var choice: ModelChoice { ModelChoice(kind: model, hidden: hidden) }
}

extension ModelChoice.Kind: ExpressibleByArgument {}
