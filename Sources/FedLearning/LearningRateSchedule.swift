import Foundation

/// How the learning rate changes from one epoch (or federated round) to the next.
public enum LearningRateSchedule: String, Sendable, Hashable, Codable, CaseIterable {
    /// The base rate throughout.
    case constant
    /// Cosine annealing (Loshchilov and Hutter 2017) from the base rate towards zero over the run.
    case cosine

    /// The rate for step `step` (0-based) of `steps`.
    public func rate(base: Float, step: Int, of steps: Int) -> Float {
        switch self {
        case .constant:
            return base
        case .cosine:
            guard steps > 1 else { return base }
            let progress = Double(step) / Double(steps)
            return base * Float(0.5 * (1 + cos(Double.pi * progress)))
        }
    }
}
