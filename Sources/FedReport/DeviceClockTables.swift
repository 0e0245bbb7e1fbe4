import FedEnergy
import FedLedger
import Foundation

/// What the reports show of a device-clock run (`--fleet`) beyond the comparison: device time,
/// the client classes and the wasted energy, from the run's ``DeviceClockFigures``.
extension EnergyComparison {
    /// Time and energy to the final round and to the target accuracy, federated (device time)
    /// beside centralized (the host's measured CPU-seconds).
    func deviceTimeTable(_ figures: DeviceClockFigures) -> ReportTable {
        let last = artifacts.records[artifacts.records.count - 1]
        let baseline = artifacts.baseline
        let target = String(format: "test accuracy %.4f", figures.targetAccuracy)
        func federatedRow(_ name: String, round: Int, attempt: Int, seconds: Double, accuracy: Double?, energy: Double) -> [String] {
            ["\(name) (round \(round)\(attempt > 1 ? ", attempt \(attempt)" : ""))", String(format: "%.1f device-s", seconds),
             accuracy.map { String(format: "%.4f", $0) } ?? "none", joules(energy)]
        }
        func centralizedRow(_ name: String, _ energy: CentralizedEnergy) -> [String] {
            ["\(name) (\(energy.epochs) epochs)",
             String(format: "%.2f CPU-s (%.2f s wall)", energy.cpuSeconds, baseline.records[energy.epochs - 1].elapsedSeconds),
             String(format: "%.4f", energy.accuracy), joules(energy.totalJoules)]
        }
        var rows = [
            federatedRow("federated, to the final round", round: last.round, attempt: last.attempt, seconds: figures.finalDeviceSeconds,
                         accuracy: last.testAccuracy, energy: federated.totalJoules),
        ]
        if let reached = figures.reached {
            rows.append(federatedRow("federated, to \(target)", round: reached.round, attempt: reached.attempt,
                                     seconds: reached.deviceSeconds, accuracy: reached.accuracy, energy: reached.joules))
        } else {
            rows.append(["federated never reached \(target) in \(artifacts.records.count) round attempts", "", "", ""])
        }
        rows.append(centralizedRow("centralized, same sample passes", centralizedSamePasses))
        if let toTarget = centralizedToTarget {
            rows.append(centralizedRow("centralized, to \(target)", toTarget))
        } else {
            rows.append(["centralized never reached \(target) in \(baseline.records.count) epochs", "", "", ""])
        }
        return ReportTable(header: ["side", "time", "test accuracy", "energy"], rows: rows)
    }

    /// What the two kinds of time in ``deviceTimeTable`` are, and what the target is.
    func deviceTimeText(_ figures: DeviceClockFigures) -> String {
        let target = targetAccuracy == nil
            ? String(format: "The target accuracy is the federated final accuracy, %.4f (`--target-accuracy` sets another).", figures.targetAccuracy)
            : String(format: "The target accuracy, %.4f, was given with `--target-accuracy`.", figures.targetAccuracy)
        return "Federated time is simulated device time: each round starts when the one before closed, and each client's download, "
            + "training and upload take the time its bytes, FLOPs, device and link give; the coordinator's aggregation and evaluation "
            + "take none. Its energy to the target is the ledger's running total at that round's close; the final round's also holds "
            + "the radio tails that run out after the job. Centralized time is measured "
            + "on this host: the CPU-seconds of the one training thread (evaluation excluded), with the wall-clock seconds since "
            + "training began (evaluation included) in brackets; it leaves out the devices' raw-data upload. \(target)"
    }

    /// One row per client class, then the idle radios' tails, then the totals (equal to the ledger's);
    /// with a codec column where the ledger counted codec work.
    func classTable(_ figures: DeviceClockFigures) -> ReportTable {
        let fates: [ClientFate] = [.aggregated, .straggler, .notNeeded, .offline, .otherwise]
        let codec = federated.codecJoules != nil
        var rows = figures.classes.map { totals in
            [totals.name, "\(totals.device.name) on \(totals.link.name)", "\(totals.clients)", "\(totals.roundsSelected)"]
                + fates.map { "\(totals.fates[$0, default: 0])" }
                + [joules(totals.computeJoules)] + (codec ? [joules(totals.codecJoules)] : [])
                + [joules(totals.radioJoules), joules(totals.wastedJoules)]
        }
        rows.append(["idle radios' tails", "", "", ""] + fates.map { _ in "" } + (codec ? ["", ""] : [""]) + [joules(figures.idleRadioTailJoules), ""])
        rows.append(
            ["all", "", "\(figures.classes.reduce(0) { $0 + $1.clients })", "\(figures.classes.reduce(0) { $0 + $1.roundsSelected })"]
                + fates.map { fate in "\(figures.classes.reduce(0) { $0 + $1.fates[fate, default: 0] })" }
                + [joules(federated.computeJoules)] + (federated.codecJoules.map { [joules($0)] } ?? [])
                + [joules(federated.communicationJoules), joules(figures.totalWastedJoules)])
        return ReportTable(
            header: ["class", "device on link", "clients", "rounds selected", "aggregated", "straggled", "not needed", "offline", "other",
                     "compute"] + (codec ? ["codec"] : []) + ["radio", "wasted"],
            rows: rows)
    }

    /// The wasted energy as its own figure, by what became of the updates.
    func wastedText(_ figures: DeviceClockFigures) -> String {
        let total = figures.totalWastedJoules
        guard total > 0 else { return "No energy was wasted: every selected client's update was aggregated." }
        let parts = ClientFate.allCases.compactMap { fate in figures.wastedJoules[fate].map { "\(fate.rawValue) \(joules($0))" } }
        return String(
            format: "Wasted energy: %@ of the devices' %@ (%.1f%%) was spent by clients whose update was not aggregated: %@.",
            joules(total), joules(federated.totalJoules), 100 * total / federated.totalJoules, parts.joined(separator: ", "))
    }

    /// What the class table's columns count.
    static let classTableKey = "A class's clients are those the ledger shows (selected at least once), and a client "
        + "counts once in \"rounds selected\" for each round attempt that selected it, then once under what became of its update; "
        + "\"other\" is a timeout, a disconnection, a refusal or an attempt that failed. The idle radios' tails are those of clients "
        + "outside a round, running into it: the ledger charges them to the round, not to a client."

    /// Why a device-clock run's report has no sensitivity over links.
    static let linkSensitivityLeftOut = "Left out for a run on a device clock. On the timeline, whether a transfer needs a promotion and "
        + "how long a tail runs depend on when each transfer happens, and another link's rates would move every download and upload, "
        + "and with them which updates straggle and when rounds close: the ledger holds the one timeline that ran, and recomputing it "
        + "per burst would not follow it. To compare links, run the fleet again with other links in its file."

    /// Test accuracy against device time, with the target as a line.
    func accuracyOverDeviceTime(_ figures: DeviceClockFigures) -> String {
        SVGChart.lines(
            title: "Test accuracy against device time", xLabel: "device time (simulated seconds)", yLabel: "test accuracy",
            series: [
                SVGChart.Series(name: clients.seriesName, color: "#1f77b4", points: figures.accuracyOverTime.map { ($0.deviceSeconds, $0.accuracy) }),
                SVGChart.Series(name: String(format: "target %.4f", figures.targetAccuracy), color: "#999999",
                    points: [(0, figures.targetAccuracy), (figures.finalDeviceSeconds, figures.targetAccuracy)]),
            ])
    }
}
