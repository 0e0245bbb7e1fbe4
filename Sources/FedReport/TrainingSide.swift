/// One side of the energy comparison: training federated on the devices, or centralized in a
/// datacenter after the devices upload their data.
public enum TrainingSide: String, Sendable, Hashable, Codable, CustomStringConvertible {
    case federated
    case centralized

    /// The other side.
    public var other: TrainingSide { self == .federated ? .centralized : .federated }

    /// `federated` or `centralized`.
    public var description: String { rawValue }
}

/// The cheaper side (federated on a tie), and how many times cheaper.
func cheaperSide(federated: Double, centralized: Double) -> (side: TrainingSide, ratio: Double) {
    federated <= centralized ? (.federated, centralized / federated) : (.centralized, federated / centralized)
}
