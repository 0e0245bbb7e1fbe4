import FedCodec
import FedCoordinator
import FedEnergy
import FedFleet
import FedLearning
@testable import FedReport
import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A small federated job over loopback, its centralized baseline, and the report made from them.
func reportedRun(rapl: Result<Double, RAPLUnreadable> = .failure(RAPLUnreadable("not measured in this test"))) async throws -> (LoopbackJob, EnergyComparison) {
    let setup = try await runWithBaseline(rapl: rapl)
    return (setup, try EnergyComparison(artifacts: try RunArtifacts(directory: setup.directory.path)))
}

/// A small federated job over loopback (on `fleet`'s device clock, if given, with `deviceDeadline`;
/// the downlink under `downlinkCodec`) and its centralized baseline, both written to the job's folder. The host readings are made up: a
/// machine load of 0.5 and, where `rapl` has joules, that many package joules per epoch.
func runWithBaseline(
    fleet: FleetSpec? = nil, minCompletion: Int? = nil, deviceDeadline: Double? = nil, downlinkCodec: CodecSpec = .none,
    rapl: Result<Double, RAPLUnreadable> = .failure(RAPLUnreadable("not measured in this test"))
) async throws -> LoopbackJob {
    let setup = try await LoopbackJob(
        clients: 3, rounds: 3, minCompletion: minCompletion, downlinkCodec: downlinkCodec, fleet: fleet, deviceDeadline: deviceDeadline)
    let clients = (0..<3).map { id in Task { try await setup.client(id, port: setup.server.port).run() } }
    _ = try await setup.coordinator.run()
    for client in clients { try await client.value }
    await setup.server.shutdown()
    let training = CentralizedTraining(architecture: setup.job.model.architecture!, sgd: setup.job.sgd, epochs: 3, seed: 1)
    let (_, epochs) = try training.run(train: try setup.job.dataset.load(.train), test: try setup.job.dataset.load(.test))
    let perEpoch = try? rapl.get()
    var unreadable: RAPLUnreadable?
    if case .failure(let reason) = rapl { unreadable = reason }
    let baseline = BaselineRecord(
        model: setup.job.model.architecture!, sgd: setup.job.sgd, schedule: .constant, epochs: 3, seed: 1, dataset: "synthetic", trainSamples: 800,
        testSamples: 400, hostCores: 2, records: epochs,
        hostReadings: epochs.indices.map { index in HostReading(machineLoad: 0.5, packageJoules: perEpoch.map { $0 * Double(index + 1) }) },
        raplUnreadable: unreadable, rawUploadBytes: [10_000, 11_000, 12_000],
        rawUploadLinks: setup.configuration.fleet.map { fleet in fleet.members.map(\.link.name) })
    _ = try baseline.write(toDirectory: setup.directory.path)
    return setup
}

/// Counts elements by name and collects attribute values while parsing well-formed markup.

final class MarkupCensus: NSObject, XMLParserDelegate {
    var elements: [String: Int] = [:]
    var attributes: [String: [String]] = [:]
    var text = ""

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]) {
        elements[name, default: 0] += 1
        for (key, value) in attributes { self.attributes[key, default: []].append(value) }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    /// Writes `comparison`'s report and parses its HTML, which must be well-formed; returns the
    /// HTML and its census.
    static func ofReport(_ comparison: EnergyComparison) throws -> (html: String, census: MarkupCensus) {
        let html = try String(contentsOfFile: try ReportWriter.write(comparison), encoding: .utf8)
        let census = MarkupCensus()
        let parser = XMLParser(data: Data(html.utf8))
        parser.delegate = census
        #expect(parser.parse(), "report.html is not well-formed: \(String(describing: parser.parserError))")
        return (html, census)
    }
}

@Suite(.serialized, .timeLimit(.minutes(1))) struct ReportTests {
    /// Two phones on LTE and one Raspberry Pi on WiFi, by count.
    static let phonesAndPi = FleetSpec(name: "phones and a pi", classes: [
        .init(name: "phone-lte", device: "smartphone", link: "lte", count: 2),
        .init(name: "pi-wifi", device: "rpi4", link: "wifi", count: 1),
    ])

    /// A device-clock run with stragglers (0.2 device seconds is shorter than an LTE promotion and
    /// download), the model sent under `int8+zlib` (codec work for the devices), and its report.
    static func deviceClockReport() async throws -> (LoopbackJob, EnergyComparison) {
        let setup = try await runWithBaseline(
            fleet: phonesAndPi, minCompletion: 1, deviceDeadline: 0.2, downlinkCodec: try CodecSpec(parsing: "int8+zlib"))
        return (setup, try EnergyComparison(artifacts: try RunArtifacts(directory: setup.directory.path)))
    }

    /// A device-clock ledger is compared on its own timeline: the federated energy is the ledger's
    /// (not recomputed per burst), nothing is recomputed under other links, and the raw upload goes
    /// over each client's own link.
    @Test func aDeviceClockLedgerIsComparedWithTheLedgersOwnEnergy() async throws {
        let (setup, comparison) = try await Self.deviceClockReport()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let summary = comparison.artifacts.summary
        #expect(abs(comparison.federated.computeJoules - summary.computeJoules) < 1e-9)
        #expect(abs(comparison.federated.communicationJoules - summary.communicationJoules) < 1e-9)
        for (cumulative, record) in zip(comparison.federated.cumulativeJoules, comparison.artifacts.records) {
            #expect(abs(cumulative - record.energy.cumulativeJoules) < 1e-9)
        }
        #expect(comparison.perLink.isEmpty)
        let figures = try #require(comparison.clients.deviceClock)
        #expect(figures.reached != nil)
        #expect(Set(figures.classes.map(\.name)) == ["phone-lte", "pi-wifi"])
        #expect(figures.classes.first { $0.name == "phone-lte" }?.fates[.straggler, default: 0] ?? 0 > 0)
        // By hand: each raw shard over its own client's link, LTE with a promotion and a whole tail.
        let links = try #require(setup.configuration.fleet).members.map(\.link.name)
        var upload = 0.0
        for (bytes, link) in zip([10_000, 11_000, 12_000], links) {
            let bits = Double(bytes) * 8
            upload += link == "lte"
                ? bits / 6e6 * (438.39 * 6 + 1288.04) * 1e-3 + 1.2107 * 0.2601 + 1.060 * 11.576
                : bits / 20e6 * (283.17 * 20 + 132.86) * 1e-3
        }
        #expect(Set(links) == ["lte", "wifi"])
        #expect(abs(comparison.centralizedSamePasses.communicationJoules - upload) < 1e-9)
        // Every file is written, with the device-clock parts in each.
        let census = try MarkupCensus.ofReport(comparison).census
        // Accuracy against energy, against bytes, against device time; the stacked bars; the uncertainty band and the tornado.
        #expect(census.elements["svg"] == 6)
        #expect(Set(census.attributes["data-bar"] ?? []) == ["the fleet's links federated", "the fleet's links central"])
        #expect(census.text.contains("Test accuracy against device time") && census.text.contains("Left out for a run on a device clock"))
        #expect(census.text.contains(comparison.wastedText(figures)))
        let markdown = try String(contentsOf: setup.directory.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(markdown.contains("## Device time") && markdown.contains("## Client classes") && markdown.contains("| phone-lte | smartphone on lte | 2 |"))
        let csv = try String(contentsOf: setup.directory.appendingPathComponent("rounds.csv"), encoding: .utf8).split(separator: "\n")
        #expect(csv.first?.hasSuffix(",device_start_seconds,device_end_seconds,device_deadline_seconds,idle_radio_tail_joules,aggregated,stragglers,not_needed,offline,not_aggregated_otherwise,codec_joules") == true)
        for (row, record) in zip(csv.dropFirst(), comparison.artifacts.records) {
            let fields = row.split(separator: ",", omittingEmptySubsequences: false)
            #expect(Double(fields[16]) == record.device?.interval.end)
            #expect(Int(fields[20]) == record.dropped.filter { $0.reason == .straggler }.count)
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: setup.directory.appendingPathComponent("report.json"))) as? [String: Any]
        let deviceClock = try #require(json?["deviceClock"] as? [String: Any])
        #expect(abs((deviceClock["finalDeviceSeconds"] as? Double ?? 0) - figures.finalDeviceSeconds) < 1e-12)
        #expect(json?["perLink"] == nil && json?["link"] == nil)
        // The verdict's uncertainty: in the JSON, and recomputed from the ledger it gives the verdict's
        // totals; replaying the radios' transfers under the run's own links gives the ledger's promotions and tails.
        let uncertainty = try #require(json?["uncertainty"] as? [String: Any])
        #expect((uncertainty["monteCarlo"] as? [String: Any])?["draws"] as? Int == 1000)
        #expect(!((uncertainty["tornado"] as? [Any]) ?? []).isEmpty && !((uncertainty["flipPoints"] as? [Any]) ?? []).isEmpty)
        let model = try VerdictModel(comparison)
        let totals = model.totals(comparison.artifacts.profiles)
        #expect(abs(totals.federated - comparison.federated.totalJoules) < 1e-9 && abs(totals.centralized - comparison.centralizedSamePasses.totalJoules) < 1e-9)
        #expect(abs(model.radioOverhead(comparison.artifacts.profiles.links) - comparison.federated.overheadJoules) < 1e-9)
        #expect(abs((comparison.federated.codecJoules ?? -1) - (summary.codecJoules ?? -2)) < 1e-12 && (summary.codecJoules ?? 0) > 0)
    }

    /// The class table's figures add up to the ledger's: compute, radio (with the idle radios'
    /// tails), client rounds by fate, and the wasted energy the summary counts.
    @Test func theClassTableAddsUpToTheLedgersTotals() async throws {
        let (setup, comparison) = try await Self.deviceClockReport()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let (summary, records) = (comparison.artifacts.summary, comparison.artifacts.records)
        let figures = try #require(comparison.clients.deviceClock)
        #expect(abs(figures.classes.reduce(0) { $0 + $1.computeJoules } - summary.computeJoules) < 1e-9)
        #expect(abs(figures.classes.reduce(0) { $0 + $1.radioJoules } + figures.idleRadioTailJoules - summary.communicationJoules) < 1e-9)
        #expect(figures.classes.reduce(0) { $0 + $1.clients } == 3)
        #expect(figures.classes.reduce(0) { $0 + $1.roundsSelected } == records.reduce(0) { $0 + $1.selected.count })
        for totals in figures.classes { #expect(totals.fates.values.reduce(0, +) == totals.roundsSelected) }
        let aggregated = records.filter { $0.status == .completed }.reduce(0) { $0 + $1.completed.count }
        #expect(figures.classes.reduce(0) { $0 + $1.fates[.aggregated, default: 0] } == aggregated)
        let stragglers = records.reduce(0) { $0 + $1.dropped.filter { $0.reason == .straggler }.count }
        #expect(stragglers > 0 && figures.classes.reduce(0) { $0 + $1.fates[.straggler, default: 0] } == stragglers)
        let summaryWaste = try #require(summary.wastedJoules)
        let deviceFates = [ClientFate.straggler, .notNeeded, .offline].reduce(0) { $0 + figures.wastedJoules[$1, default: 0] }
        #expect(abs(deviceFates - summaryWaste) < 1e-9)
        #expect(abs(figures.totalWastedJoules - figures.classes.reduce(0) { $0 + $1.wastedJoules }) < 1e-9)
        #expect(figures.finalDeviceSeconds == summary.deviceSeconds)
    }

    @Test func reportTotalsAreTheLedgersSums() async throws {
        let (setup, comparison) = try await reportedRun()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let records = comparison.artifacts.records
        let compute = records.flatMap(\.clients).reduce(0) { $0 + $1.energy.computeJoules }
        let radio = records.flatMap(\.clients).reduce(0) { $0 + $1.energy.communicationJoules }
        #expect(abs(comparison.federated.computeJoules - compute) < 1e-9)
        #expect(abs(comparison.federated.communicationJoules - radio) < 1e-9)
        #expect(abs(comparison.federated.totalJoules - comparison.artifacts.summary.totalJoules) < 1e-9)
        for (cumulative, record) in zip(comparison.federated.cumulativeJoules, records) {
            #expect(abs(cumulative - record.energy.cumulativeJoules) < 1e-9)
        }
        // rounds.csv carries the ledger's own per-round figures.
        try ReportWriter.write(comparison)
        let csv = try String(contentsOf: setup.directory.appendingPathComponent("rounds.csv"), encoding: .utf8)
        let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",") }
        #expect(rows.count == records.count)
        #expect(abs(rows.map { Double($0[11])! }.reduce(0, +) - comparison.federated.totalJoules) < 1e-6)
    }

    @Test func switchingWiFiToLTEChangesOnlyCommunication() async throws {
        let (setup, comparison) = try await reportedRun()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let wifi = comparison.perLink.first { $0.link.name == "wifi" }!
        let lte = comparison.perLink.first { $0.link.name == "lte" }!
        #expect(wifi.federated.computeJoules == lte.federated.computeJoules)
        #expect(wifi.centralized.computeJoules == lte.centralized.computeJoules)
        // By hand: every client round on LTE is its bytes at (a*t + beta) mW plus one promotion and
        // the tail during training and after the upload (training on an rpi4 takes far less than 11.6 s).
        var expected = 0.0
        for client in comparison.artifacts.records.flatMap(\.clients) {
            let down = Double(client.bytesWritten) * 8 / 13e6 * (51.97 * 13 + 1288.04) * 1e-3
            let up = Double(client.bytesRead) * 8 / 6e6 * (438.39 * 6 + 1288.04) * 1e-3
            // The device is busy training, then with its codec work, while the radio sits in its tail.
            let busy = Double(client.flops) / 5.9e9 + (client.energy.codecSeconds ?? 0)
            expected += down + up + 1.2107 * 0.2601 + 1.060 * (busy + 11.576)
        }
        #expect(abs(lte.federated.communicationJoules - expected) < 1e-6 * expected)
        #expect(lte.federated.overheadJoules > wifi.federated.overheadJoules)
        // Raw-data upload: three bursts, each one promotion and one tail.
        let rawBits = Double(10_000 + 11_000 + 12_000) * 8
        let upload = rawBits / 6e6 * (438.39 * 6 + 1288.04) * 1e-3 + 3 * (1.2107 * 0.2601 + 1.060 * 11.576)
        #expect(abs(lte.centralized.communicationJoules - upload) < 1e-6)
    }

    @Test func htmlIsOneWellFormedFileWithItsChartsAndNumbers() async throws {
        let (setup, comparison) = try await reportedRun()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let (html, census) = try MarkupCensus.ofReport(comparison)
        #expect(!html.contains("<script") && !html.contains("<link"))
        #expect(census.elements["svg"] == 5)  // the three charts, the uncertainty band and the tornado
        #expect(Set(census.attributes["data-series"] ?? []).count == 3)  // federated and centralized energy, federated bytes
        let bars = Set(census.attributes["data-bar"] ?? [])
        for link in comparison.artifacts.profiles.links { #expect(bars.contains("\(link.name) federated") && bars.contains("\(link.name) central")) }
        #expect(census.text.contains(comparison.verdict))
        #expect(census.text.contains(joules(comparison.federated.totalJoules)))
        #expect(census.text.contains("Huang et al., MobiSys 2012"))
        #expect(census.text.contains("assumption"))
        // The wider network's range: the bytes on the links at both sourced intensities, beside the totals.
        let range = try #require(comparison.widerNetwork)
        let gigabytes = comparison.federatedBits / 8 / 1e9
        #expect(abs(range.federated.lowerBound - gigabytes * 0.007 * 3.6e6) < 1e-9)
        #expect(abs(range.federated.upperBound - gigabytes * 0.01 * 3.6e6) < 1e-9)
        #expect(census.text.contains("\(joules(range.federated.lowerBound)) to \(joules(range.federated.upperBound))"))
        #expect(census.text.contains("Tapp et al. 2026"))
        let markdown = try String(contentsOf: setup.directory.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(markdown.contains(comparison.verdict) && markdown.contains("| round |"))
    }

    @Test func centralizedComputeFollowsTheChosenCodeCarbonMethod() async throws {
        let setup = try await runWithBaseline()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        let artifacts = try RunArtifacts(directory: setup.directory.path)
        let last = try #require(artifacts.baseline.records.last)
        // By hand, 85 W TDP, 2 cores, PUE 1.58, machine load 0.5 (CodeCarbon 3.3.0's formulas).
        let expected: [(CPUPowerMethod, Double)] = [
            (.processShare, 85 * last.cpuSeconds / 2 * 1.58),
            (.constant, 85 * 0.5 * last.trainingWallSeconds! * 1.58),
            (.machineLoad, 85 * (0.1 + 0.9 * 0.125) * last.trainingWallSeconds! * 1.58),
        ]
        for (method, joules) in expected {
            let comparison = try EnergyComparison(artifacts: artifacts, cpuMethod: method)
            #expect(abs(comparison.centralizedSamePasses.computeJoules - joules) < 1e-9 * joules)
            #expect(comparison.datacenterAccounting.methods.first { $0.method == method }?.joules.map { abs($0 - joules) < 1e-9 * joules } == true)
            #expect(comparison.verdict.contains("CodeCarbon's \(method.rawValue) rule"))
        }
        #expect(try EnergyComparison(artifacts: artifacts).datacenterAccounting.chosen == .processShare)
    }

    @Test func theReportSaysWhenRAPLIsNotReadableAndShowsItWhenItIs() async throws {
        let (unread, withoutRAPL) = try await reportedRun()
        defer { try? FileManager.default.removeItem(at: unread.directory) }
        #expect(withoutRAPL.datacenterAccounting.measuredPackageJoules == nil)
        try ReportWriter.write(withoutRAPL)
        let unreadMarkdown = try String(contentsOf: unread.directory.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(unreadMarkdown.contains("not readable here: not measured in this test"))
        let (read, withRAPL) = try await reportedRun(rapl: .success(2.5))
        defer { try? FileManager.default.removeItem(at: read.directory) }
        // Three epochs of 2.5 J, x PUE 1.58 in the report.
        #expect(withRAPL.datacenterAccounting.measuredPackageJoules == 7.5)
        try ReportWriter.write(withRAPL)
        let readMarkdown = try String(contentsOf: read.directory.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(readMarkdown.contains("| host package, measured by RAPL, × PUE | \(joules(7.5 * 1.58)) |"))
        // The GPU model sits beside them: the baseline's FLOPs at 5.85e12 FLOP/s, 400 W, x 1.58.
        let flops = Double(try #require(withRAPL.artifacts.baseline.records.last).flops)
        let a100 = try #require(withRAPL.datacenterAccounting.gpus.first)
        #expect(abs(a100.joules - flops / 5.85e12 * 400 * 1.58) < 1e-12)
    }

    @Test func theOtherComputeBasisIsShownBesideTheVerdicts() async throws {
        let (setup, comparison) = try await reportedRun()
        defer { try? FileManager.default.removeItem(at: setup.directory) }
        // rpi4 is charged whole-board (2.45 W); marginal is 2.45 - 1.6 = 0.85 W over the same seconds.
        #expect(comparison.clients.devices.map(\.basis) == [.wholeBoard])
        let byBasis = Dictionary(uniqueKeysWithValues: comparison.federatedComputeByBasis.map { ($0.basis, $0.joules) })
        #expect(abs(byBasis[.wholeBoard]! - comparison.federated.computeJoules) < 1e-9)
        #expect(abs(byBasis[.marginal]! - comparison.federated.computeJoules * 0.85 / 2.45) < 1e-9)
    }
}
