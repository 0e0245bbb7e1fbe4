import FedEnergy
import Foundation
import Testing

@Suite struct EnergyModelTests {
    let profiles: EnergyProfiles
    init() throws { profiles = try EnergyProfiles.shipped() }

    @Test func oneMegabyteUpOverLTEByHand() throws {
        let lte = try profiles.link("lte")
        // 8e6 bits at 6 Mbps: 1.3333 s at 438.39 * 6 + 1288.04 = 3918.38 mW.
        #expect(abs(lte.transferSeconds(bytes: 1_000_000, .up) - 4.0 / 3.0) < 1e-12)
        #expect(abs(lte.transferJoules(bytes: 1_000_000, .up) - 3.91838 * 4.0 / 3.0) < 1e-9)
        // Plus one promotion (1.2107 W x 0.2601 s) and one whole tail (1.060 W x 11.576 s).
        let burst = lte.uploadEnergy(bytes: 1_000_000)
        #expect(burst.bursts == 1)
        #expect(abs(burst.overheadJoules - (1.2107 * 0.2601 + 1.060 * 11.576)) < 1e-9)
        #expect(abs(burst.totalJoules - (5.224_506_667 + 0.314_903_07 + 12.270_56)) < 1e-6)
    }

    @Test func tailCountsOncePerBurstNotPerTransfer() throws {
        let lte = try profiles.link("lte")
        let tail = 1.060 * 11.576
        let promotion = 1.2107 * 0.2601
        // Training shorter than the tail: download, train, upload are one burst; the radio sits in
        // its tail while the device trains, then the whole tail runs out after the upload.
        let quick = lte.roundEnergy(downloadBytes: 400_000, uploadBytes: 400_000, computeSeconds: 2)
        #expect(quick.bursts == 1)
        #expect(abs(quick.overheadJoules - (promotion + 1.060 * 2 + tail)) < 1e-9)
        // Training longer than the tail: two bursts, two promotions, two whole tails.
        let slow = lte.roundEnergy(downloadBytes: 400_000, uploadBytes: 400_000, computeSeconds: 60)
        #expect(slow.bursts == 2)
        #expect(abs(slow.overheadJoules - 2 * (promotion + tail)) < 1e-9)
        // On LTE the tail outweighs a small (compressed) update's bits, as the report must show.
        let small = lte.roundEnergy(downloadBytes: 10_000, uploadBytes: 10_000, computeSeconds: 2)
        #expect(small.overheadJoules > 100 * small.uplinkJoules)
    }

    @Test func wifiHasNoTailOrPromotion() throws {
        let wifi = try profiles.link("wifi")
        let round = wifi.roundEnergy(downloadBytes: 1_000_000, uploadBytes: 1_000_000, computeSeconds: 1)
        #expect(round.overheadJoules == 0)
        // Down: 8e6 bits at 50 Mbps = 0.16 s at 137.01 * 50 + 132.86 mW; up: 0.4 s at 283.17 * 20 + 132.86 mW.
        #expect(abs(round.downlinkJoules - 6.98336 * 0.16) < 1e-9)
        #expect(abs(round.uplinkJoules - 5.79626 * 0.4) < 1e-9)
        #expect(abs(wifi.bitsPerJoule(.up) - 20e6 / 5.79626) < 1e-3)
    }

    @Test func droppedClientPaysOnlyTheDownloadBurst() throws {
        let lte = try profiles.link("lte")
        let dropped = lte.roundEnergy(downloadBytes: 1000, uploadBytes: 0, computeSeconds: 1)
        #expect(dropped.uplinkJoules == 0 && dropped.bursts == 1)
        #expect(abs(dropped.overheadJoules - (1.2107 * 0.2601 + 1.060 * 11.576)) < 1e-9)
    }

    @Test func computeEnergyOfAKnownFLOPCount() throws {
        let pi = try profiles.device("rpi4")
        // 1.18e10 FLOPs at 5.9e9 FLOP/s take 2 s, at the whole board's 2.45 W (the profile's basis).
        #expect(abs(pi.computeSeconds(flops: 11_800_000_000) - 2) < 1e-12)
        #expect(pi.basis == .wholeBoard)
        #expect(abs(pi.computeJoules(flops: 11_800_000_000) - 4.9) < 1e-9)
    }

    @Test func marginalComputeChargesOnlyWhatTrainingAdds() throws {
        var pi = try profiles.device("rpi4")
        // The same 2 s at 2.45 W - 1.6 W idle = 0.85 W.
        #expect(abs(pi.computeWatts(.marginal)! - 0.85) < 1e-12 && pi.computeWatts(.wholeBoard) == 2.45)
        // A profile that names the marginal basis is charged on it by default.
        pi.computePower = .marginal
        #expect(abs(pi.computeJoules(flops: 11_800_000_000) - 1.7) < 1e-9)
        // A profile that names none gets the default, whole-board.
        pi.computePower = nil
        #expect(pi.basis == ComputePowerBasis.default && ComputePowerBasis.default == .wholeBoard)
    }

    @Test func threeGHasHuangsTailAndPromotion() throws {
        let g3 = try profiles.link("3g")
        // Huang et al. 2012, Table 3: promotion 659.4 mW for 582.1 ms, tail 803.9 mW for 8088.2 ms.
        let promotion = 0.6594 * 0.5821
        let tail = 0.8039 * 8.0882
        let burst = g3.uploadEnergy(bytes: 125_000)
        #expect(abs(burst.overheadJoules - (promotion + tail)) < 1e-9)
        // 1e6 bits at 1 Mbps: 1 s at 868.98 * 1 + 817.88 mW.
        #expect(abs(burst.uplinkJoules - 1.68686) < 1e-9)
        // Training (3 s) within the tail: one burst, the radio in its tail while training, then a whole tail.
        let round = g3.roundEnergy(downloadBytes: 250_000, uploadBytes: 125_000, computeSeconds: 3)
        #expect(round.bursts == 1 && abs(round.overheadJoules - (promotion + 0.8039 * 3 + tail)) < 1e-9)
        // Training past the tail: a second promotion and a second tail.
        let slow = g3.roundEnergy(downloadBytes: 250_000, uploadBytes: 125_000, computeSeconds: 30)
        #expect(slow.bursts == 2 && abs(slow.overheadJoules - 2 * (promotion + tail)) < 1e-9)
    }

    @Test func carbonForTwoGrids() throws {
        // 3.6 MJ is one kWh.
        #expect(try profiles.grid("FRA").grams(joules: 3.6e6) == 56)
        #expect(try profiles.grid("POL").grams(joules: 3.6e6) == 662)
        #expect(kilowattHours(joules: 7.2e6) == 2)
    }

    @Test func widerNetworkIsARangeOverBytes() throws {
        let network = try #require(profiles.widerNetwork)
        // 1 GB at 0.007 and at 0.01 kWh/GB, 3.6 MJ per kWh.
        let range = network.joules(bytes: 1_000_000_000)
        #expect(abs(range.lowerBound - 25_200) < 1e-6 && abs(range.upperBound - 36_000) < 1e-6)
        #expect(network.joules(bytes: 0) == 0...0)
        var inverted = profiles
        inverted.widerNetwork?.highKilowattHoursPerGigabyte.value = 0.001
        #expect(throws: EnergyError.self) { try inverted.validate() }
        // A profiles file without the range is valid; the report then leaves it out.
        var without = profiles
        without.widerNetwork = nil
        let decoded = try JSONDecoder().decode(EnergyProfiles.self, from: JSONEncoder().encode(without))
        #expect(decoded.widerNetwork == nil)
        try decoded.validate()
    }

    /// Every constant's source is checked in `PlausibleRangeTests`; here, that "assumption" is told apart.
    @Test func anAssumptionIsToldApartFromASourcedValue() throws {
        #expect(try profiles.device("smartphone").activePowerWatts.isAssumption)
        #expect(try !profiles.link("lte").tailSeconds.isAssumption)
    }

    @Test func unknownNamesAndImpossibleValuesAreRefused() throws {
        #expect(throws: EnergyError.unknown("link", "6g", ["wifi", "lte", "3g", "5g"])) { try profiles.link("6g") }
        var broken = profiles
        broken.devices[0].sustainedFLOPS.value = 0
        #expect(throws: EnergyError.self) { try broken.validate() }
        broken = profiles
        broken.datacenters[0].pue.value = 0.9
        #expect(throws: EnergyError.self) { try broken.validate() }
        broken = profiles
        let tooMuch = broken.devices[0].activePowerWatts.value + 1
        broken.devices[0].idlePowerWatts?.value = tooMuch
        #expect(throws: EnergyError.profiles("device rpi4 idlePowerWatts must not exceed activePowerWatts")) { try broken.validate() }
        // A profile without idle power has no marginal figure, so it cannot be charged marginally.
        broken = profiles
        broken.devices[0].idlePowerWatts = nil
        try broken.validate()
        #expect(broken.devices[0].computeWatts(.marginal) == nil)
        broken.devices[0].computePower = .marginal
        #expect(throws: EnergyError.profiles("device rpi4 computePower marginal needs idlePowerWatts")) { try broken.validate() }
    }

    @Test func aProfileFileMissingAFieldNamesIt() throws {
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(profiles)) as! [String: Any]
        var devices = encoded["devices"] as! [[String: Any]]
        devices[1].removeValue(forKey: "sustainedFLOPS")
        var broken = encoded
        broken["devices"] = devices
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("profiles-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONSerialization.data(withJSONObject: broken).write(to: file)
        #expect(throws: EnergyError.profiles("\(file.path): field devices[1].sustainedFLOPS is missing")) {
            try EnergyProfiles.load(path: file.path)
        }
    }
}
