import ArgumentParser
import FedEnergy

extension CPUPowerMethod: ExpressibleByArgument {
    /// The `--cpu-method` help, shared by `simulate` and `report`.
    static let argumentHelp = ArgumentHelp(
        "CodeCarbon 3.3 CPU rule for the baseline host: constant, process-share (default) or machine-load (docs/ARCHITECTURE.md, Energy).")
}
