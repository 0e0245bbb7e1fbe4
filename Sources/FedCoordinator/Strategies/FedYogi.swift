import FedLedger

/// FedYogi (Reddi et al. 2021, after Zaheer et al. 2018): `v = v - (1 - beta2) * delta^2 * sign(v - delta^2)`,
/// which grows v more cautiously than Adam when gradients are large.
public struct FedYogi: AggregationStrategy {
    /// The shared adaptive machinery and its state.
    public var optimizer: FedOpt

    /// Creates FedYogi.
    public init(optimizer: FedOpt) { self.optimizer = optimizer }

    public var proximalMu: Float { 0 }

    public var state: [[Float]] { optimizer.moments }

    public var settings: [String: Float] { optimizer.settings }

    public var name: StrategyLabel { .fedYogi }

    public mutating func restore(state: [[Float]]) throws { try optimizer.restore(moments: state) }

    public mutating func apply(meanDelta: [Float], to global: inout [Float]) {
        let beta2 = optimizer.beta2
        optimizer.step(meanDelta: meanDelta, global: &global) { v, squared in
            let difference = v - squared
            let sign: Float = difference > 0 ? 1 : (difference < 0 ? -1 : 0)
            return v - (1 - beta2) * squared * sign
        }
    }
}
