/// How a round's test accuracy and loss were measured in a job its clients evaluate (an external
/// model): each client whose update was accepted scored the model it received on its local test
/// split, and the record's `testAccuracy` and `testLoss` are the example-weighted means.
public struct FederatedEvaluation: Sendable, Codable, Hashable {
    /// The global model evaluated: the one after this many completed rounds (round r's clients
    /// score the model round r started from, so r − 1; 0 is the initial model).
    public var modelAfterRound: Int
    /// Clients whose evaluations are in the means.
    public var clients: Int
    /// Test examples over those clients.
    public var examples: Int

    /// Creates a value with every field given.
    public init(modelAfterRound: Int, clients: Int, examples: Int) {
        self.modelAfterRound = modelAfterRound
        self.clients = clients
        self.examples = examples
    }

    /// The example-weighted means of `evaluations` (nil when there are none) and their description.
    public static func combine(_ evaluations: [ClientEvaluation], modelAfterRound: Int) -> (accuracy: Double, loss: Double, federated: FederatedEvaluation)? {
        let examples = evaluations.reduce(0) { $0 + $1.examples }
        guard examples > 0 else { return nil }
        return (
            evaluations.reduce(0) { $0 + $1.accuracy * Double($1.examples) } / Double(examples),
            evaluations.reduce(0) { $0 + $1.loss * Double($1.examples) } / Double(examples),
            FederatedEvaluation(modelAfterRound: modelAfterRound, clients: evaluations.count, examples: examples))
    }
}
