import FedData
import FedEnergy
import FedLearning
import FedLedger
@testable import FedReport
import Foundation
import Testing

/// The report's device-clock figures on a ledger written by hand, whose every figure was worked out
/// on paper; and a ledger from before fleets, which must give the report it gave then.
@Suite struct DeviceClockReportTests {
    /// One client line of a hand-made ledger: `compute` J of training and the radio's joules.
    static func line(_ client: Int, _ deviceClass: String, compute: Double, down: Double, up: Double, overhead: Double) -> [String: Any] {
        let (device, link) = deviceClass == "phone" ? ("smartphone", "lte") : ("rpi4", "wifi")
        return [
            "client": client, "device": device, "link": link, "deviceClass": deviceClass, "bytesWritten": 100, "bytesRead": up > 0 ? 100 : 0,
            "payloadBytes": 0, "clipped": false, "encodeSeconds": 0, "decodeSeconds": 0, "samples": 10, "flops": 1000, "cpuSeconds": 0,
            "energy": ["deviceComputeSeconds": 0, "computeJoules": compute, "downlinkJoules": down, "uplinkJoules": up,
                       "radioOverheadJoules": overhead, "radioBursts": 0],
            "timeline": ["download": ["start": 0, "end": 0]],
        ]
    }

    /// One round of a hand-made ledger.
    static func round(
        _ round: Int, device: (start: Double, end: Double), idleTails: Double, accuracy: Double, selected: [Int], completed: [Int],
        dropped: [(Int, String)], clients: [[String: Any]], compute: Double, radio: Double, cumulative: Double
    ) -> [String: Any] {
        [
            "round": round, "attempt": 1, "status": "completed", "selected": selected, "completed": completed,
            "dropped": dropped.map { ["client": $0.0, "reason": $0.1] }, "testAccuracy": accuracy, "testLoss": 1, "clients": clients,
            "downlinkStages": ["raw": 0, "sparsified": 0, "quantized": 0, "encoded": 0], "downlinkEncodeSeconds": 0, "wallSeconds": 0,
            "evaluationSeconds": 0, "elapsedSeconds": 0, "cumulativeUplinkBytes": 0, "cumulativeDownlinkBytes": 0,
            "energy": ["computeJoules": compute, "communicationJoules": radio, "totalJoules": compute + radio, "cumulativeJoules": cumulative,
                       "kilowattHours": 0, "gramsCO2e": 0, "cumulativeGramsCO2e": 0],
            "device": ["interval": ["start": device.start, "end": device.end], "deadline": device.start + 2, "idleRadioTailJoules": idleTails],
        ]
    }

    /// Three rounds of client 0 (a phone on LTE) and clients 1 and 2 (Raspberry Pis on WiFi):
    /// 1. 0 to 2 device-s, accuracy 0.6: the phone straggles (1 J compute, 2 J radio); each Pi is
    ///    aggregated (2 J, 0.5 J). Compute 5 J, radio 3 J, running total 8 J.
    /// 2. 2 to 3.5 device-s, accuracy 0.75: the phone sits out, its tail running on (0.5 J idle);
    ///    Pi 1 aggregated, Pi 2 not needed (2 J, 0.5 J each). Compute 4 J, radio 1.5 J, total 13.5 J.
    /// 3. 3.5 to 6 device-s, accuracy 0.7: the phone aggregated (1 J, 2 J); Pi 1 offline after its
    ///    download (0 J, 0.25 J); Pi 2 aggregated (2 J, 0.5 J). Compute 3 J, radio 2.75 J, total 19.25 J.
    static let handMadeLedger: [RoundRecord] = {
        let rounds = [
            round(1, device: (0, 2), idleTails: 0, accuracy: 0.6, selected: [0, 1, 2], completed: [1, 2], dropped: [(0, "straggler")],
                  clients: [line(0, "phone", compute: 1, down: 0.5, up: 0.5, overhead: 1), line(1, "pi", compute: 2, down: 0.25, up: 0.25, overhead: 0),
                            line(2, "pi", compute: 2, down: 0.25, up: 0.25, overhead: 0)],
                  compute: 5, radio: 3, cumulative: 8),
            round(2, device: (2, 3.5), idleTails: 0.5, accuracy: 0.75, selected: [1, 2], completed: [1], dropped: [(2, "not needed")],
                  clients: [line(1, "pi", compute: 2, down: 0.25, up: 0.25, overhead: 0), line(2, "pi", compute: 2, down: 0.25, up: 0.25, overhead: 0)],
                  compute: 4, radio: 1.5, cumulative: 13.5),
            round(3, device: (3.5, 6), idleTails: 0, accuracy: 0.7, selected: [0, 1, 2], completed: [0, 2], dropped: [(1, "offline")],
                  clients: [line(0, "phone", compute: 1, down: 0.5, up: 0.5, overhead: 1), line(1, "pi", compute: 0, down: 0.25, up: 0, overhead: 0),
                            line(2, "pi", compute: 2, down: 0.25, up: 0.25, overhead: 0)],
                  compute: 3, radio: 2.75, cumulative: 19.25),
        ]
        let text = rounds.map { String(decoding: try! JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined(separator: "\n")
        return try! ledgerRecords(text)
    }()

    /// The hand-made run: its ledger, a summary, and a baseline of two epochs (accuracy 0.65 after
    /// 2 CPU-s and 2.5 s of wall time, 0.72 after 4 CPU-s and 5 s) whose clients upload 1,000,
    /// 2,000 and 3,000 bytes over `links`.
    static func handMadeRun(links: [String] = ["lte", "wifi", "wifi"]) throws -> RunArtifacts {
        let job = FederatedJob(
            dataset: .synthetic(DatasetSource.SyntheticSettings()), model: .mlp(inputs: 32, hidden: [16], classes: 5),
            sgd: SGDConfiguration(learningRate: 0.1, batchSize: 16), localEpochs: 1, partition: .iid, clientCount: 3, seed: 7)
        let summary = JobSummary(
            job: job, strategy: .fedAvg, rounds: 3, roundsCompleted: 3, failedAttempts: 0, finalAccuracy: 0.7, finalLoss: 1, uplinkBytes: 0,
            downlinkBytes: 0, uplinkStages: .zero, downlinkStages: .zero, clientFLOPs: 0, clientCPUSeconds: 0, roundsWallSeconds: 0,
            evaluationSeconds: 0, elapsedSeconds: 0, grid: "world", computeJoules: 12, communicationJoules: 7.25, totalJoules: 19.25,
            gramsCO2e: 0, connectionBytes: [], deviceSeconds: 6, wastedJoules: 5.75)
        let epochs = try JSONDecoder().decode([CentralizedTraining.EpochRecord].self, from: Data("""
            [{"epoch": 1, "learningRate": 0.1, "trainLoss": 1, "testAccuracy": 0.65, "testLoss": 1, "elapsedSeconds": 2.5, "cpuSeconds": 2, "flops": 0, "samples": 60},
             {"epoch": 2, "learningRate": 0.1, "trainLoss": 1, "testAccuracy": 0.72, "testLoss": 1, "elapsedSeconds": 5, "cpuSeconds": 4, "flops": 0, "samples": 120}]
            """.utf8))
        let baseline = BaselineRecord(
            model: job.model.architecture!, sgd: job.sgd, schedule: .constant, epochs: 2, seed: 7, dataset: "synthetic", trainSamples: 60, testSamples: 20,
            hostCores: 2, records: epochs, hostReadings: nil, raplUnreadable: nil, rawUploadBytes: [1000, 2000, 3000], rawUploadLinks: links)
        return RunArtifacts(directory: "/nonexistent", records: handMadeLedger, summary: summary, baseline: baseline, profiles: try .shipped())
    }

    @Test func timeAndEnergyToTheTargetAreTheLedgersAtTheFirstRoundThatReachedIt() throws {
        // The default target is the final accuracy, 0.7: round 2 (0.75) reached it first, at 3.5
        // device-s and 13.5 J; the run ended at 6 device-s. The baseline reached 0.7 in epoch 2.
        let comparison = try EnergyComparison(artifacts: try Self.handMadeRun())
        let figures = try #require(comparison.clients.deviceClock)
        #expect(figures.targetAccuracy == 0.7 && figures.finalDeviceSeconds == 6)
        #expect(figures.reached == DeviceClockFigures.Reached(round: 2, attempt: 1, accuracy: 0.75, deviceSeconds: 3.5, joules: 13.5))
        #expect(comparison.centralizedToTarget?.epochs == 2 && comparison.centralizedToTarget?.cpuSeconds == 4)
        #expect(figures.accuracyOverTime.map(\.deviceSeconds) == [2, 3.5, 6] && figures.accuracyOverTime.map(\.accuracy) == [0.6, 0.75, 0.7])
        let time = comparison.deviceTimeTable(figures)
        #expect(time.rows.map { $0[1] } == ["6.0 device-s", "3.5 device-s", "4.00 CPU-s (5.00 s wall)", "4.00 CPU-s (5.00 s wall)"])
        #expect(time.rows[1][0] == "federated, to test accuracy 0.7000 (round 2)" && time.rows[1][3] == "13.5 J")

        // Asked for 0.6: round 1 at 2 device-s and 8 J, and the baseline's first epoch (2 CPU-s, 2.5 s of wall time).
        let lower = try #require(try EnergyComparison(artifacts: try Self.handMadeRun(), targetAccuracy: 0.6).clients.deviceClock)
        #expect(lower.reached?.round == 1 && lower.reached?.deviceSeconds == 2 && lower.reached?.joules == 8)
        // Asked for 0.8: never reached by either side, and the tables say so.
        let higher = try EnergyComparison(artifacts: try Self.handMadeRun(), targetAccuracy: 0.8)
        let higherFigures = try #require(higher.clients.deviceClock)
        #expect(higherFigures.reached == nil && higher.centralizedToTarget == nil)
        #expect(higher.deviceTimeTable(higherFigures).rows.map { $0[0] } == [
            "federated, to the final round (round 3)", "federated never reached test accuracy 0.8000 in 3 round attempts",
            "centralized, same sample passes (2 epochs)", "centralized never reached test accuracy 0.8000 in 2 epochs",
        ])
        #expect(throws: ReportError.self) { try EnergyComparison(artifacts: try Self.handMadeRun(), targetAccuracy: 1.5) }
    }

    @Test func theClassTableOfTheHandMadeLedger() throws {
        let comparison = try EnergyComparison(artifacts: try Self.handMadeRun())
        let figures = try #require(comparison.clients.deviceClock)
        let (phone, pi) = (figures.classes[0], figures.classes[1])
        #expect(figures.classes.map(\.name) == ["phone", "pi"])
        #expect(phone.device.name == "smartphone" && phone.link.name == "lte" && pi.device.name == "rpi4" && pi.link.name == "wifi")
        #expect(phone.clients == 1 && phone.roundsSelected == 2 && phone.fates == [.aggregated: 1, .straggler: 1])
        #expect(phone.computeJoules == 2 && phone.radioJoules == 4 && phone.wastedJoules == 3)
        #expect(pi.clients == 2 && pi.roundsSelected == 6 && pi.fates == [.aggregated: 4, .notNeeded: 1, .offline: 1])
        #expect(pi.computeJoules == 10 && pi.radioJoules == 2.75 && pi.wastedJoules == 2.75)
        #expect(figures.idleRadioTailJoules == 0.5)
        #expect(figures.wastedJoules == [.straggler: 3, .notNeeded: 2.5, .offline: 0.25] && figures.totalWastedJoules == 5.75)
        // The federated side is the ledger's own energy: 12 J of compute, 7.25 J of radio.
        #expect(comparison.federated.computeJoules == 12 && comparison.federated.communicationJoules == 7.25)
        #expect(comparison.federated.cumulativeJoules == [8, 13.5, 19.25])
        let table = comparison.classTable(figures)
        #expect(table.rows.last == ["all", "", "3", "8", "5", "1", "1", "1", "0", "12.0 J", "7.2 J", "5.8 J"])
        #expect(table.rows[0] == ["phone", "smartphone on lte", "1", "2", "1", "1", "0", "0", "0", "2.0 J", "4.0 J", "3.0 J"])
        #expect(comparison.wastedText(figures).hasPrefix("Wasted energy: 5.8 J of the devices' 19.2 J (29.9%)"))
        // The raw upload by hand: client 0's 1,000 bytes over LTE (with a promotion and a whole
        // tail), clients 1 and 2's 5,000 bytes over WiFi.
        let lte = 8000 / 6e6 * (438.39 * 6 + 1288.04) * 1e-3 + 1.2107 * 0.2601 + 1.060 * 11.576
        let wifi = 40_000 / 20e6 * (283.17 * 20 + 132.86) * 1e-3
        #expect(abs(comparison.centralizedSamePasses.communicationJoules - (lte + wifi)) < 1e-12)
    }

    @Test func aRawUploadLinkThatDisagreesWithTheLedgerIsRefusedNamingTheClient() throws {
        #expect {
            try EnergyComparison(artifacts: try Self.handMadeRun(links: ["wifi", "wifi", "wifi"]))
        } throws: { error in
            "\(error)".contains("client 0 is on lte in round 1 of the ledger, and on wifi in centralized.json")
        }
        #expect {
            try EnergyComparison(artifacts: try Self.handMadeRun(links: []))
        } throws: { error in
            "\(error)".contains("3 raw uploads but 0 links")
        }
    }

    /// `Tests/Fixtures/pre-fleet-run` is a run (3 clients, 2 rounds, on LTE, no fleet) as `fedwatt
    /// simulate` wrote it before the report read device-clock ledgers, before profiles had idle power
    /// and GPUs, and before the baseline recorded its training wall time and host readings. Its files
    /// must still load and give the report beside them, byte for byte. That report was rendered again
    /// when the datacenter side took CodeCarbon's rules (issue 13: the process share, the compute
    /// accounting table); a change to it is a change to every non-fleet report.
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
