import ArgumentParser
import FedEnergy

/// `--profiles` and `--grid`: the energy constants a run accounts with (``settings`` gives them as
/// a value).
public struct ProfileOptions: ParsableArguments {
    @Option(name: .customLong("profiles"), help: "Energy profiles file (JSON, the schema of the shipped Sources/FedEnergy/Resources/profiles.json); default: the shipped one.")
    public var profilesPath: String?

    @Option(help: "Grid region for carbon: world, FRA, SWE, NOR, BRA, GBR, USA, DEU, JPN, AUS, CHN, POL, IND (or one in --profiles).")
    public var grid: String = "world"

    public init() {}

    /// The profiles file and grid these flags give.
    public var settings: EnergySettings { EnergySettings(profilesPath: profilesPath, grid: grid) }

    /// The profiles in use.
    public func profiles() throws -> EnergyProfiles { try settings.profiles() }

    public func validate() throws {
        do {
            _ = try profiles().grid(grid)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

/// The energy profiles file (nil: the shipped one) and the grid a run accounts with.
public struct EnergySettings: Sendable, Hashable, Codable {
    /// The profiles file, or nil for the shipped profiles.
    public var profilesPath: String?
    /// The grid region for carbon.
    public var grid: String

    /// The profiles in use.
    public func profiles() throws -> EnergyProfiles {
        try profilesPath.map { try EnergyProfiles.load(path: $0) } ?? EnergyProfiles.shipped()
    }
}
