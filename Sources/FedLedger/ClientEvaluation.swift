/// One client's federated evaluation in a round: the model its RoundStart carried, scored on its
/// local test split.
public struct ClientEvaluation: Sendable, Codable, Hashable {
    /// Test examples evaluated: the evaluation's weight in the round's means.
    public var examples: Int
    /// Mean loss over those examples.
    public var loss: Double
    /// Fraction of those examples classified correctly.
    public var accuracy: Double

    /// Creates a value with every field given.
    public init(examples: Int, loss: Double, accuracy: Double) {
        self.examples = examples
        self.loss = loss
        self.accuracy = accuracy
    }
}
