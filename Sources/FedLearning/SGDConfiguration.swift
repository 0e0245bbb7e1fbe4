/// Hyper-parameters of minibatch stochastic gradient descent, as a client or the centralized baseline uses them.
public struct SGDConfiguration: Sendable, Hashable, Codable {
    /// Step size.
    public var learningRate: Float
    /// Samples per minibatch (the last batch of an epoch may be smaller).
    public var batchSize: Int
    /// Heavy-ball momentum coefficient; 0 turns momentum off.
    public var momentum: Float
    /// L2 penalty coefficient added to the gradient as `weightDecay * w`; 0 turns it off.
    public var weightDecay: Float
    /// FedProx proximal coefficient: adds `mu * (w - anchor)` to the gradient (Li et al. 2020); 0 turns it off.
    public var proximalMu: Float

    /// Creates a configuration; plain SGD unless momentum, weight decay or a proximal term are given.
    public init(learningRate: Float, batchSize: Int, momentum: Float = 0, weightDecay: Float = 0, proximalMu: Float = 0) {
        self.learningRate = learningRate
        self.batchSize = batchSize
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.proximalMu = proximalMu
    }

    /// Throws ``TrainingError/invalidConfiguration(_:)`` naming the first value out of range.
    public func validate() throws {
        guard learningRate.isFinite, learningRate > 0 else {
            throw TrainingError.invalidConfiguration("learning rate \(learningRate) must be a positive number")
        }
        guard batchSize > 0 else { throw TrainingError.invalidConfiguration("batch size \(batchSize) must be positive") }
        guard momentum.isFinite, (0..<1).contains(momentum) else {
            throw TrainingError.invalidConfiguration("momentum \(momentum) must be in [0, 1)")
        }
        guard weightDecay.isFinite, weightDecay >= 0 else {
            throw TrainingError.invalidConfiguration("weight decay \(weightDecay) must not be negative")
        }
        guard proximalMu.isFinite, proximalMu >= 0 else {
            throw TrainingError.invalidConfiguration("proximal mu \(proximalMu) must not be negative")
        }
    }
}
