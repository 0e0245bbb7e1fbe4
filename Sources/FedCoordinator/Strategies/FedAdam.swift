import FedLedger

/// FedAdam (Reddi et al. 2021): `v = beta2 * v + (1 - beta2) * delta^2`.
public struct FedAdam: AggregationStrategy {
    /// The shared adaptive machinery and its state.
    public var optimizer: FedOpt

    /// Creates FedAdam.
    public init(optimizer: FedOpt) { self.optimizer = optimizer }

    public var proximalMu: Float { 0 }

    public var state: [[Float]] { optimizer.moments }

    public var settings: [String: Float] { optimizer.settings }

    public var name: StrategyLabel { .fedAdam }

    public mutating func restore(state: [[Float]]) throws { try optimizer.restore(moments: state) }

    public mutating func apply(meanDelta: [Float], to global: inout [Float]) {
        let beta2 = optimizer.beta2
        optimizer.step(meanDelta: meanDelta, global: &global) { v, squared in beta2 * v + (1 - beta2) * squared }
    }
}
