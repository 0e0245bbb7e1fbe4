import FedLearning

/// Finite differences of a trainer's mean loss, the reference the gradient checks compare backpropagation with.
struct FiniteDifferences {
    let trainer: LocalTrainer
    let inputs: [Float]
    let labels: [Int]
    /// The step, in parameter units.
    let step: Float

    /// The loss's numerical derivatives along one parameter.
    struct Derivative {
        /// `(L(w + h) - L(w - h)) / 2h`.
        var central: Float
        /// `(L(w + h) - L(w)) / h` and `(L(w) - L(w - h)) / h`.
        var forward: Float
        var backward: Float

        /// Whether `analytic` is within `tolerance` of the central difference or, where a ReLU or
        /// max-pooling kink lies within one step (the loss is only piecewise smooth), of a one-sided one.
        func agrees(with analytic: Float, tolerance: Float) -> (agrees: Bool, oneSided: Bool) {
            if abs(analytic - central) <= tolerance { return (true, false) }
            return (min(abs(analytic - forward), abs(analytic - backward)) <= 2 * tolerance, true)
        }
    }

    /// The numerical derivatives with respect to each parameter at `indices` (every parameter when nil).
    func derivatives(at parameters: [Float], indices: [Int]? = nil) throws -> [Derivative] {
        let loss = { try trainer.lossAndGradient(parameters: $0, inputs: inputs, labels: labels).loss }
        let center = try loss(parameters)
        var probe = parameters
        return try (indices ?? Array(parameters.indices)).map { i in
            probe[i] = parameters[i] + step
            let plus = try loss(probe)
            probe[i] = parameters[i] - step
            let minus = try loss(probe)
            probe[i] = parameters[i]
            let h = Double(step)
            return Derivative(central: Float((plus - minus) / (2 * h)), forward: Float((plus - center) / h), backward: Float((center - minus) / h))
        }
    }
}
