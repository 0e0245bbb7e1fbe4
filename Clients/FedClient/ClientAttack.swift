/// A poisoning attack a client can run on its own honest delta, to measure what robust aggregation
/// withstands (`fedwatt-client --attack sign-flip:10`, `fedwatt simulate --attackers 2`).
public enum ClientAttack: Sendable, Hashable, Codable, LosslessStringConvertible {
    /// Sends `-scale` times the honest delta (Baruch et al. 2019 call its kin "sign flipping").
    case signFlip(scale: Float)

    /// Parses `sign-flip:SCALE`.
    public init?(_ description: String) {
        let parts = description.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, parts[0] == "sign-flip", let scale = Float(parts[1]), scale.isFinite, scale > 0 else { return nil }
        self = .signFlip(scale: scale)
    }

    /// The attack as it is written on the command line.
    public var description: String {
        switch self {
        case .signFlip(let scale): return "sign-flip:\(scale)"
        }
    }

    /// Turns the honest delta into the poisoned one.
    func apply(to delta: inout [Float]) {
        switch self {
        case .signFlip(let scale): for i in delta.indices { delta[i] *= -scale }
        }
    }
}
