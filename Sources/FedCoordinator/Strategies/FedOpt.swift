/// The adaptive server optimizers of Reddi et al., "Adaptive Federated Optimization" (ICLR 2021):
/// the mean delta is treated as a pseudo-gradient with first moment `m` and second moment `v`,
/// and the global model moves by `eta * m / (sqrt(v) + tau)`. FedAdam and FedYogi differ only in how
/// `v` is updated.
public struct FedOpt: Sendable {
    /// Server learning rate eta.
    public var learningRate: Float
    /// First-moment decay.
    public var beta1: Float
    /// Second-moment decay.
    public var beta2: Float
    /// Adaptivity: the larger, the closer to plain momentum.
    public var tau: Float
    /// First moment m, one value per parameter (empty before the first step).
    public private(set) var firstMoment: [Float] = []
    /// Second moment v, one value per parameter (empty before the first step).
    public private(set) var secondMoment: [Float] = []

    /// Defaults of Reddi et al.'s experiments: beta1 0.9, beta2 0.99, tau 1e-3 (the paper tunes eta per task).
    public static let defaultLearningRate: Float = 0.01

    /// Creates the optimizer with zero moments (v starts at tau^2, as in the paper's algorithm).
    public init(learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.99, tau: Float = 1e-3) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.tau = tau
    }

    /// The hyper-parameters by name.
    var settings: [String: Float] { ["learningRate": learningRate, "beta1": beta1, "beta2": beta2, "tau": tau] }

    /// The moments, for checkpoints.
    var moments: [[Float]] { firstMoment.isEmpty ? [] : [firstMoment, secondMoment] }

    /// Takes back moments a checkpoint saved.
    mutating func restore(moments: [[Float]]) throws {
        guard moments.isEmpty || (moments.count == 2 && moments[0].count == moments[1].count) else {
            throw CheckpointError.mismatch("the checkpoint holds state for another strategy")
        }
        firstMoment = moments.first ?? []
        secondMoment = moments.last ?? []
    }

    /// One server step with `secondMomentUpdate(v, delta squared)` giving the new v.
    mutating func step(meanDelta: [Float], global: inout [Float], secondMomentUpdate: (Float, Float) -> Float) {
        if firstMoment.count != global.count {
            firstMoment = [Float](repeating: 0, count: global.count)
            secondMoment = [Float](repeating: tau * tau, count: global.count)
        }
        for i in global.indices {
            let delta = meanDelta[i]
            firstMoment[i] = beta1 * firstMoment[i] + (1 - beta1) * delta
            secondMoment[i] = secondMomentUpdate(secondMoment[i], delta * delta)
            global[i] += learningRate * firstMoment[i] / (secondMoment[i].squareRoot() + tau)
        }
    }
}
