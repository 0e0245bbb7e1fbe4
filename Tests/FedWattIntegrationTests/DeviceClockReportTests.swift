import FedReport
import Foundation
import Testing

/// A ledger from before fleets, which must give the report it gave then.
@Suite struct DeviceClockReportTests {
    /// `Tests/Fixtures/pre-fleet-run` is a run (3 clients, 2 rounds, on LTE, no fleet) and its report,
    /// as `fedwatt simulate` wrote them before the report read device-clock ledgers. Its files must
    /// still load and give that report, byte for byte.
    @Test func aLedgerFromBeforeFleetsGivesTheReportItGaveThen() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/pre-fleet-run")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-pre-fleet-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["ledger.jsonl", "summary.json", "centralized.json", "profiles.json"] {
            try FileManager.default.copyItem(at: fixture.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        let comparison = try EnergyComparison(artifacts: try RunArtifacts(directory: folder.path))
        #expect(comparison.clients.deviceClock == nil)
        try ReportWriter.write(comparison)
        for name in ["report.md", "report.json", "rounds.csv", "report.html"] {
            let then = try String(contentsOf: fixture.appendingPathComponent(name), encoding: .utf8)
            let now = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            #expect(now == then, "\(name) differs from the pre-fleet report")
        }
    }
}
