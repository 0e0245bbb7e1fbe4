import ArgumentParser
import FedEnergy

/// `--profiles` and `--grid`: the energy constants a run accounts with.
public struct ProfileOptions: ParsableArguments {
    @Option(name: .customLong("profiles"), help: "Energy profiles file (JSON, the schema of the shipped Sources/FedEnergy/Resources/profiles.json); default: the shipped one.")
    public var profilesPath: String?

    @Option(help: "Grid region for carbon: world, FRA, SWE, NOR, BRA, GBR, USA, DEU, JPN, AUS, CHN, POL, IND (or one in --profiles).")
    public var grid: String = "world"

    public init() {}

    /// The profiles in use.
    public func profiles() throws -> EnergyProfiles {
        try profilesPath.map { try EnergyProfiles.load(path: $0) } ?? EnergyProfiles.shipped()
    }

    public func validate() throws {
        do {
            _ = try profiles().grid(grid)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    /// The flags that reproduce these options on another command line.
    public var arguments: [String] { ["--grid", grid] + (profilesPath.map { ["--profiles", $0] } ?? []) }
}
