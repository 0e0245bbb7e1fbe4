import FedCodec
import FedEnergy
import FedFleet
import FedLedger
import Testing

/// Encoding and decoding charged to the devices: counted operations at the device's FLOP/s, at the
/// power its training is charged at (docs/ARCHITECTURE.md, "Codec work").
@Suite struct CodecEnergyTests {
    /// Round numbers for every stage kind: encoding costs 10 × (its index + 1) per unit, decoding half that.
    static let work = CodecWorkProfile(description: "test", stages: CodecStageKind.allCases.enumerated().map { index, stage in
        CodecStageWork(
            stage: stage, encodeOperations: SourcedValue(Double(10 * (index + 1)), source: "test"),
            decodeOperations: SourcedValue(Double(5 * (index + 1)), source: "test"))
    })

    @Test func operationsAreCountedPerValueAndPerByteOfEachStage() throws {
        // 100,000 values; top-k keeps 5,000 of them for int4; zlib reads a 12,345-byte body.
        let sizes = StageSizes(raw: 400_000, sparsified: 60_000, quantized: 12_345, encoded: 9_000)
        let spec = try CodecSpec(parsing: "topk:0.05+int4+zlib")
        // topk is kind 1 (10 per value), int4 kind 4 (40), zlib kind 8 (80 per byte).
        let encode: Double = 100_000 * 10 + 5_000 * 40 + 12_345 * 80
        let decode: Double = 100_000 * 5 + 5_000 * 20 + 12_345 * 40
        #expect(Self.work.operations(spec, sizes: sizes, .encode) == encode)
        #expect(Self.work.operations(spec, sizes: sizes, .decode) == decode)
        // qsgd (kind 6, 60) on every value, then the range coder (kind 9, 90) on the body; float32 counts nothing.
        let qsgd: Double = 100_000 * 60 + 12_345 * 90
        let qsgdRange = try CodecSpec(parsing: "qsgd:4+range")
        #expect(Self.work.operations(qsgdRange, sizes: sizes, .encode) == qsgd)
        #expect(Self.work.operations(.none, sizes: sizes, .encode) == 0)
    }

    @Test func codecWorkSitsOnTheDeviceTimelineBetweenDownloadTrainingAndUpload() throws {
        let profiles = try EnergyProfiles.shipped()
        let spec = FleetSpec(name: "one pi", classes: [.init(name: "pi", device: "rpi4", link: "wifi", count: 1)])
        var world = DeviceWorld(fleet: try Fleet(spec, profiles: profiles, clientCount: 1, seed: 1))
        // At 5.9 GFLOP/s: decoding 0.1 s, training 1 s, encoding 0.2 s, each at the board's 2.45 W.
        let (timeline, energy) = world.clientRound(
            0, from: 0, downloadBytes: 50_000, flops: 5_900_000_000, uploadBytes: 20_000, codec: CodecOperations(decode: 5.9e8, encode: 1.18e9))
        let downloadEnd = 50_000 * 8 / 50e6
        #expect(timeline.download.end == downloadEnd)
        #expect(timeline.decode == DeviceInterval(start: downloadEnd, end: downloadEnd + 0.1))
        #expect(timeline.training == DeviceInterval(start: downloadEnd + 0.1, end: downloadEnd + 0.1 + 1))
        let encode = try #require(timeline.encode)
        #expect(encode.start == timeline.training?.end && abs(encode.end - (downloadEnd + 1.3)) < 1e-12)
        #expect(timeline.upload?.start == encode.end)
        let (codecSeconds, codecJoules) = (try #require(energy.codecSeconds), try #require(energy.codecJoules))
        #expect(abs(codecSeconds - 0.3) < 1e-12 && abs(codecJoules - 0.3 * 2.45) < 1e-12)
        #expect(abs(energy.computeJoules - 2.45) < 1e-12)
        // The ledger line carries it as its own kind, counted in the total.
        let line = RoundRecord.ClientEnergy(timeline: energy, tailJoules: 0)
        #expect(line.codecJoules == energy.codecJoules && abs(line.totalJoules - (line.computeJoules + 0.3 * 2.45 + line.communicationJoules)) < 1e-12)
        // Without codec work counted, the timeline and the energy are as before.
        var plain = DeviceWorld(fleet: world.fleet)
        let (before, beforeEnergy) = plain.clientRound(0, from: 0, downloadBytes: 50_000, flops: 5_900_000_000, uploadBytes: 20_000)
        #expect(before.decode == nil && before.encode == nil && beforeEnergy.codecJoules == nil && before.upload?.start == downloadEnd + 1)
    }

    @Test func withoutAFleetCodecSecondsKeepTheRadioInItsTailLonger() throws {
        let profiles = try EnergyProfiles.shipped()
        let (pi, lte) = (try profiles.device("rpi4"), try profiles.link("lte"))
        // 1 s of training and 0.5 s of codec work: the LTE tail runs 1.5 s between the transfers.
        let line = RoundRecord.ClientEnergy(device: pi, link: lte, flops: 5_900_000_000, codecSeconds: 0.5, downloadBytes: 1000, uploadBytes: 1000)
        #expect(abs(try #require(line.codecJoules) - 0.5 * 2.45) < 1e-12)
        #expect(abs(line.radioOverheadJoules - (1.2107 * 0.2601 + 1.060 * 1.5 + 1.060 * 11.576)) < 1e-9)
        let uncounted = RoundRecord.ClientEnergy(device: pi, link: lte, flops: 5_900_000_000, codecSeconds: nil, downloadBytes: 1000, uploadBytes: 1000)
        #expect(uncounted.codecJoules == nil && abs(uncounted.radioOverheadJoules - (1.2107 * 0.2601 + 1.060 * 1.0 + 1.060 * 11.576)) < 1e-9)
    }
}
