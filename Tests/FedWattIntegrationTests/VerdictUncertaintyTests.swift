import FedData
import FedEnergy
@testable import FedReport
import Foundation
import Testing

/// The verdict's uncertainty on the hand-made ledger of `DeviceClockReportTests` (19.25 J federated;
/// a baseline of 4 CPU-s on 2 cores; raw shards of 1,000 bytes over LTE and 5,000 over WiFi).
@Suite struct VerdictUncertaintyTests {
    /// The hand-made run under the shipped profiles with every range removed but `ranges`'.
    static func run(ranges: [String: PlausibleRange]) throws -> RunArtifacts {
        var artifacts = try DeviceClockReportTests.handMadeRun()
        var profiles = artifacts.profiles
        func keep(_ value: inout SourcedValue, _ name: String) { value.range = ranges[name] }
        for index in profiles.devices.indices {
            let name = profiles.devices[index].name
            keep(&profiles.devices[index].activePowerWatts, "devices[\(name)].activePowerWatts")
            keep(&profiles.devices[index].sustainedFLOPS, "devices[\(name)].sustainedFLOPS")
        }
        for index in profiles.links.indices {
            for field in LinkProfile.constantFields {
                keep(&profiles.links[index][keyPath: field.path], "links[\(profiles.links[index].name)].\(field.name)")
            }
        }
        for index in profiles.datacenters.indices {
            let name = profiles.datacenters[index].name
            keep(&profiles.datacenters[index].cpuTDPWatts, "datacenters[\(name)].cpuTDPWatts")
            keep(&profiles.datacenters[index].pue, "datacenters[\(name)].pue")
        }
        profiles.baselineHostTimeFactor?.range = ranges["baselineHostTimeFactor"]
        artifacts.profiles = profiles
        return artifacts
    }

    /// The raw upload by hand: 1,000 bytes over LTE (a promotion and a whole tail), 5,000 over WiFi.
    static let upload = 8000 / 6e6 * (438.39 * 6 + 1288.04) * 1e-3 + 1.2107 * 0.2601 + 1.060 * 11.576 + 40_000 / 20e6 * (283.17 * 20 + 132.86) * 1e-3

    @Test func theMonteCarloIsDeterminedByItsSeed() throws {
        let artifacts = try DeviceClockReportTests.handMadeRun()
        let first = try #require(try EnergyComparison(artifacts: artifacts, uncertaintyDraws: 400, uncertaintySeed: 7).uncertainty)
        let again = try #require(try EnergyComparison(artifacts: artifacts, uncertaintyDraws: 400, uncertaintySeed: 7).uncertainty)
        let other = try #require(try EnergyComparison(artifacts: artifacts, uncertaintyDraws: 400, uncertaintySeed: 8).uncertainty)
        #expect(first.monteCarlo == again.monteCarlo)
        #expect(first.monteCarlo.seed == 7 && first.monteCarlo.draws == 400)
        #expect(other.monteCarlo.p05 != first.monteCarlo.p05 && other.monteCarlo.p95 != first.monteCarlo.p95)
        // Draws stay inside their range and are spread over it.
        let range = PlausibleRange(low: 2, high: 50, reason: "test")
        var generator = SeededGenerator(seed: 3)
        let draws = (0..<2000).map { _ in VerdictUncertainty.draw(10, in: range, using: &generator) }
        #expect(draws.allSatisfy { $0 >= 2 && $0 <= 50 } && draws.min()! < 3 && draws.max()! > 40)
    }

    @Test func aFlipPointRecomputedByHand() throws {
        // Only the datacenter's TDP moves. Centralized = TDP × 4 CPU-s ÷ 2 cores × PUE 1.58 + the raw
        // upload; federated stays 19.25 J. Both are equal at TDP = (19.25 − upload) / (2 × 1.58).
        let artifacts = try Self.run(ranges: ["datacenters[average].cpuTDPWatts": PlausibleRange(low: 8, high: 85, reason: "test")])
        let uncertainty = try #require(try EnergyComparison(artifacts: artifacts).uncertainty)
        let byHand = (19.25 - Self.upload) / (2 * 1.58)
        let flip = try #require(uncertainty.flipPoints.first)
        #expect(flip.constant.name == "datacenters[average].cpuTDPWatts")
        #expect(abs(try #require(flip.value) - byHand) < 1e-9)
        #expect(!flip.withinRange && flip.cheaperBeyond == .centralized && flip.beyondIsBelow == true)
        #expect(abs(uncertainty.centralRatio - 19.25 / (85 * 2 * 1.58 + Self.upload)) < 1e-12)
        #expect(EnergyComparison.flipSentence(flip).hasPrefix("Centralized training becomes cheaper if datacenter CPU TDP is below 2.104 W"))
        // The PUE cannot bring the sides together: even at 1 the datacenter costs more than 19.25 J.
        let pue = try #require(try EnergyComparison(artifacts: try Self.run(ranges: ["datacenters[average].pue": PlausibleRange(low: 1.1, high: 1.8, reason: "test")])).uncertainty)
        let noFlip = try #require(pue.flipPoints.first)
        #expect(noFlip.value == nil && noFlip.searchedFrom == 1 && abs(noFlip.searchedTo - 7.2) < 1e-12)
        #expect(EnergyComparison.flipSentence(noFlip).hasPrefix("The verdict does not flip for datacenter PUE within 1 to 7.2"))
    }

    @Test func theTornadoRanksConstantsBySwing() throws {
        let artifacts = try Self.run(ranges: [
            "datacenters[average].pue": PlausibleRange(low: 1.0, high: 2.0, reason: "test"),
            "datacenters[average].cpuTDPWatts": PlausibleRange(low: 84, high: 86, reason: "test"),
            "devices[smartphone].activePowerWatts": PlausibleRange(low: 2.9, high: 3.1, reason: "test"),
        ])
        let uncertainty = try #require(try EnergyComparison(artifacts: artifacts).uncertainty)
        #expect(uncertainty.tornado.map(\.name) == [
            "datacenters[average].pue", "datacenters[average].cpuTDPWatts", "devices[smartphone].activePowerWatts",
        ])
        let pue = uncertainty.tornado[0]
        #expect(abs(pue.ratioAtLow - 19.25 / (170 * 1.0 + Self.upload)) < 1e-12 && abs(pue.ratioAtHigh - 19.25 / (170 * 2.0 + Self.upload)) < 1e-12)
        // The phone's 2 J of training at 3 W: ±0.1 W moves the federated side by ±2/30 J.
        let phone = uncertainty.tornado[2]
        #expect(abs(phone.ratioAtHigh - (19.25 + 2.0 / 30) / (170 * 1.58 + Self.upload)) < 1e-12)
        // Every draw lies between the extremes; constants without a range are listed as fixed.
        #expect(uncertainty.favourFederatedRatio <= uncertainty.monteCarlo.p05 && uncertainty.monteCarlo.p95 <= uncertainty.favourCentralizedRatio)
        #expect(abs(uncertainty.favourFederatedRatio - (19.25 - 2.0 / 30) / (86 * 2 * 2.0 + Self.upload)) < 1e-12)
        #expect(uncertainty.fixed.contains { $0.name == "links[lte].tailSeconds" })
    }

    @Test func withoutRangesThereIsNoAnalysis() throws {
        #expect(try EnergyComparison(artifacts: try Self.run(ranges: [:])).uncertainty == nil)
    }
}
