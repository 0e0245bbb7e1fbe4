import FedEnergy
import Foundation
import Testing

/// The RAPL reader on a folder laid out like the kernel's `/sys/class/powercap`: package zones
/// `intel-rapl:N` with `name`, `energy_uj` and `max_energy_range_uj`, and subzones beside them.
@Suite struct RAPLCountersTests {
    let root: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("powercap-\(UUID().uuidString)")
        try zone("intel-rapl:0", name: "package-0", microjoules: 1_000_000, range: 262_143_328_850)
        try zone("intel-rapl:0:0", name: "core", microjoules: 500_000, range: 262_143_328_850)
        try zone("intel-rapl:1", name: "package-1", microjoules: 262_143_000_000, range: 262_143_328_850)
        try zone("intel-rapl:1:0", name: "dram", microjoules: 7, range: 65_712_999_613)
    }

    private func zone(_ folder: String, name: String, microjoules: Double, range: Double) throws {
        let url = root.appendingPathComponent(folder)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try "\(name)\n".write(to: url.appendingPathComponent("name"), atomically: true, encoding: .utf8)
        try "\(Int(microjoules))\n".write(to: url.appendingPathComponent("energy_uj"), atomically: true, encoding: .utf8)
        try "\(Int(range))\n".write(to: url.appendingPathComponent("max_energy_range_uj"), atomically: true, encoding: .utf8)
    }

    private func setCounter(_ folder: String, _ microjoules: Int) throws {
        try "\(microjoules)\n".write(to: root.appendingPathComponent(folder).appendingPathComponent("energy_uj"), atomically: true, encoding: .utf8)
    }

    @Test func readsThePackageZonesOnly() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let readings = try RAPLCounters(root: root).read().get()
        #expect(readings.map(\.name) == ["package-0", "package-1"])
        #expect(readings[0].microjoules == 1_000_000 && readings[0].rangeMicrojoules == 262_143_328_850)
    }

    @Test func undoesAWrapAround() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let counters = RAPLCounters(root: root)
        let before = try counters.read().get()
        // package-0 moves 2 J; package-1 wraps: 262,143,328,850 - 262,143,000,000 = 328,850 uJ to
        // the top, then 500,000 uJ past zero: 0.82885 J.
        try setCounter("intel-rapl:0", 3_000_000)
        try setCounter("intel-rapl:1", 500_000)
        let after = try counters.read().get()
        #expect(abs(RAPLCounters.joules(from: before, to: after) - 2.82885) < 1e-9)
    }

    @Test func anUnreadableCounterMakesTheWholeReadingUnreadable() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        // A folder in place of the file: unreadable even to root, who may read a mode-0400 file.
        let counter = root.appendingPathComponent("intel-rapl:1").appendingPathComponent("energy_uj")
        try FileManager.default.removeItem(at: counter)
        try FileManager.default.createDirectory(at: counter, withIntermediateDirectories: false)
        #expect(throws: RAPLUnreadable("cannot read \(counter.path) (reading it usually needs root)")) { try RAPLCounters(root: root).read().get() }
    }

    @Test func noPowercapFolderIsSaidSo() {
        defer { try? FileManager.default.removeItem(at: root) }
        let missing = root.appendingPathComponent("absent")
        #expect(throws: RAPLUnreadable("\(missing.path) cannot be listed: the kernel exposes no RAPL counters here")) {
            try RAPLCounters(root: missing).read().get()
        }
    }

    @Test func theMeterAddsUpItsSpansAndLeavesOutWhatIsBetween() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        var meter = HostEnergyMeter(rapl: RAPLCounters(root: root))
        meter.start()
        try setCounter("intel-rapl:0", 2_000_000)
        meter.stop()
        // Between spans (the evaluation): not counted.
        try setCounter("intel-rapl:0", 9_000_000)
        meter.start()
        try setCounter("intel-rapl:1", 262_143_250_000)
        meter.stop()
        #expect(meter.raplUnreadable == nil)
        #expect(abs(try #require(meter.reading.packageJoules) - 1.25) < 1e-9)
    }

    @Test func theMeterSaysWhyItMeasuredNothing() {
        defer { try? FileManager.default.removeItem(at: root) }
        var meter = HostEnergyMeter(rapl: RAPLCounters(root: root.appendingPathComponent("absent")))
        meter.start()
        meter.stop()
        #expect(meter.reading.packageJoules == nil)
        #expect(meter.raplUnreadable?.reason.hasSuffix("cannot be listed: the kernel exposes no RAPL counters here") == true)
    }
}
