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
    /// Watts the device is charged while training, on `basis` (nil: marginal, and the profile has no idle power).
    public func computeWatts(_ basis: ComputePowerBasis) -> Double? {
        switch basis {
        case .wholeBoard: return activePowerWatts.value
        case .marginal: return idlePowerWatts.map { activePowerWatts.value - $0.value }
        }
    }

    /// Watts the device is charged while training on its own basis (`validate()` refuses a marginal
    /// basis without idle power, so there always is a figure).
    public var chargedWatts: Double { computeWatts(basis) ?? activePowerWatts.value }
}
