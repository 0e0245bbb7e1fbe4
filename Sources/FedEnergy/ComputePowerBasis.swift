/// Which power a device's training is charged at.
public enum ComputePowerBasis: String, Sendable, Hashable, Codable, CaseIterable {
    /// The whole board while it trains (active power): the device is on for the training. Like the
    /// datacenter side, whose CodeCarbon rules charge a share of TDP, idle draw included.
    case wholeBoard = "whole-board"
    /// Only what training adds (active − idle power): the device would be on anyway.
    case marginal

    /// The basis a profile gets when it names none.
    public static let `default` = wholeBoard
}

extension DeviceProfile {
    /// Watts the device is charged while training, on `basis`.
    public func computeWatts(_ basis: ComputePowerBasis) -> Double {
        switch basis {
        case .wholeBoard: return activePowerWatts.value
        case .marginal: return activePowerWatts.value - idlePowerWatts.value
        }
    }
}
