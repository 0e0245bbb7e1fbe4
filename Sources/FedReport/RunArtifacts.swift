import FedEnergy
import FedLedger
import Foundation

/// Everything a run left in its folder that the report reads: the ledger, the summary, the
/// centralized baseline and the energy profiles the run accounted with.
public struct RunArtifacts: Sendable {
    public var directory: String
    public var records: [RoundRecord]
    public var summary: JobSummary
    public var baseline: BaselineRecord
    public var profiles: EnergyProfiles

    /// Reads `ledger.jsonl`, `summary.json`, `centralized.json` and `profiles.json` from `directory`.
    public init(directory: String) throws {
        self.directory = directory
        (summary, records) = try Self.federatedRun(in: directory)
        baseline = try JSONDecoder().decode(BaselineRecord.self, from: Self.read("centralized.json", in: directory))
        profiles = try Self.profiles(in: directory)
    }

    /// The energy profiles the run accounted with: `profiles.json`, checked.
    public static func profiles(in directory: String) throws -> EnergyProfiles {
        let profiles = try JSONDecoder().decode(EnergyProfiles.self, from: read("profiles.json", in: directory))
        try profiles.validate()
        return profiles
    }

    /// What the coordinator wrote: `summary.json` and the records of `ledger.jsonl`.
    public static func federatedRun(in directory: String) throws -> (JobSummary, [RoundRecord]) {
        let summary = try JSONDecoder().decode(JobSummary.self, from: read("summary.json", in: directory))
        return (summary, try ledgerRecords(String(decoding: read("ledger.jsonl", in: directory), as: UTF8.self)))
    }

    private static func read(_ name: String, in directory: String) throws -> Data {
        let url = URL(fileURLWithPath: directory).appendingPathComponent(name)
        do {
            return try Data(contentsOf: url)
        } catch {
            throw ReportError.missingFile(url.path)
        }
    }

    /// Creates artifacts from values (tests, and a simulation that has them in memory).
    public init(directory: String, records: [RoundRecord], summary: JobSummary, baseline: BaselineRecord, profiles: EnergyProfiles) {
        self.directory = directory
        self.records = records
        self.summary = summary
        self.baseline = baseline
        self.profiles = profiles
    }
}

/// Why a report could not be made.
public enum ReportError: Error, CustomStringConvertible {
    case missingFile(String)
    case inconsistent(String)
    /// A target accuracy outside (0, 1].
    case targetAccuracy(Double)
    /// A Monte Carlo of fewer than one draw.
    case uncertaintyDraws(Int)

    public var description: String {
        switch self {
        case .missingFile(let path): return "\(path) is missing or unreadable (run `fedwatt simulate` into this folder first)"
        case .inconsistent(let detail): return "the run's files disagree: \(detail)"
        case .targetAccuracy(let value): return "the target accuracy \(value) is not a test accuracy: give a number above 0 and at most 1, e.g. 0.85"
        case .uncertaintyDraws(let draws): return "the verdict's uncertainty needs at least one Monte Carlo draw, not \(draws) (the default is 1000)"
        }
    }
}
