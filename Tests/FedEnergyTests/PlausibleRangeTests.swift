import FedEnergy
import Foundation
import Testing

/// The shipped profiles' sources and ranges, and the rules a range must keep.
@Suite struct PlausibleRangeTests {
    @Test func everyShippedConstantIsSourcedAndEveryOneThatFeedsTheVerdictHasARangeWithAReason() throws {
        let profiles = try EnergyProfiles.shipped()
        for (name, value) in profiles.namedConstants {
            #expect(!value.source.trimmingCharacters(in: .whitespaces).isEmpty, "\(name) has no source")
        }
        // Grids multiply both sides alike, GPUs and the wider network stay outside the verdict.
        let feeding = profiles.namedConstants.filter { !$0.name.hasPrefix("grids[") && !$0.name.hasPrefix("gpus[") && !$0.name.hasPrefix("widerNetwork") }
        #expect(feeding.count == 4 * 3 + 4 * 9 + 2 * 2 + CodecStageKind.allCases.count * 2 + 1)
        for (name, value) in feeding {
            let range = try #require(value.range, "\(name) has no range")
            #expect(range.low <= value.value && value.value <= range.high && !range.reason.isEmpty, "\(name)")
        }
    }

    @Test func aRangeThatDoesNotHoldItsValueIsRefusedNamingTheConstant() throws {
        var profiles = try EnergyProfiles.shipped()
        profiles.devices[0].activePowerWatts.range = PlausibleRange(low: 3, high: 4, reason: "too high")
        #expect(throws: EnergyError.profiles(
            "devices[rpi4].activePowerWatts has range 3.0...4.0, which must be finite, not negative, and hold its value 2.45")) {
            try profiles.validate()
        }
        profiles.devices[0].activePowerWatts.range = PlausibleRange(low: 2, high: 3, reason: " ")
        #expect(throws: EnergyError.profiles(
            "devices[rpi4].activePowerWatts has a range without a reason: say where the low and high values come from")) {
            try profiles.validate()
        }
    }

    @Test func codecWorkMustNameEveryStageKind() throws {
        var profiles = try EnergyProfiles.shipped()
        profiles.codecWork?.stages.removeAll { $0.stage == .range }
        #expect(throws: EnergyError.profiles("codecWork has no entry for range: give every stage kind its costs")) { try profiles.validate() }
    }
}
