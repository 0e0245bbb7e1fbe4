import FedLedger
import FedEnergy
import Foundation

/// The tables the HTML and Markdown reports share, as header and rows of cells.
struct ReportTable {
    var header: [String]
    var rows: [[String]]

    var markdown: String {
        ([header, header.map { _ in "---" }] + rows).map { "| " + $0.joined(separator: " | ") + " |" }.joined(separator: "\n")
    }

    var html: String {
        "<table><thead><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
            + rows.map { "<tr>" + $0.map { "<td>\(escape($0))</td>" }.joined() + "</tr>" }.joined() + "</tbody></table>"
    }
}

extension EnergyComparison {
    /// Federated, centralized over the same passes, centralized to the federated accuracy; with a
    /// codec-work column where the ledger counted it (the centralized side has none).
    var keyNumbers: ReportTable {
        let codec = federated.codecJoules.map { [joules($0)] } ?? []
        let noCodec = codec.map { _ in "" }
        var rows = [
            ["federated (\(artifacts.records.count) round attempts)", String(format: "%.4f", artifacts.summary.finalAccuracy),
             joules(federated.computeJoules)] + codec + [joules(federated.communicationJoules), joules(federated.totalJoules),
             String(format: "%.3f", grid.grams(joules: federated.totalJoules)), bytes(federatedBits / 8)],
            row("centralized, same sample passes", centralizedSamePasses, codecCells: noCodec),
        ]
        if let toTarget = centralizedToTarget {
            rows.append(row("centralized, until it reaches \(targetPhrase)", toTarget, codecCells: noCodec))
        } else {
            rows.append(["centralized never reached \(targetPhrase) in \(artifacts.baseline.records.count) epochs", "", "", "", "", "", ""] + noCodec)
        }
        return ReportTable(
            header: ["side", "test accuracy", "compute"] + codec.map { _ in "codec work" }
                + ["communication", "total", "g CO2e (\(grid.name))", "bytes on the links"],
            rows: rows)
    }

    /// `the federated accuracy`, or `the target accuracy 0.8500` when one was asked for.
    var targetPhrase: String {
        targetAccuracy.map { String(format: "the target accuracy %.4f", $0) } ?? "the federated accuracy"
    }

    private func row(_ name: String, _ energy: CentralizedEnergy, codecCells: [String]) -> [String] {
        ["\(name) (\(energy.epochs) epochs)", String(format: "%.4f", energy.accuracy), joules(energy.computeJoules)] + codecCells
            + [joules(energy.communicationJoules), joules(energy.totalJoules), String(format: "%.3f", grid.grams(joules: energy.totalJoules)),
         bytes(centralizedBits / 8)]
    }

    /// Every link profile: both sides' energy and which is cheaper (the sensitivity over links).
    var linkSensitivity: ReportTable {
        ReportTable(
            header: ["link", "uplink efficiency", "federated compute", "federated radio", "federated total", "centralized total", "cheaper"],
            rows: perLink.map { entry in
                let (fed, central) = (entry.federated.totalJoules, entry.centralized.totalJoules)
                let cheaper = cheaperSide(federated: fed, centralized: central)
                return [entry.link.name, String(format: "%.0f kbit/J", entry.link.bitsPerJoule(.up) / 1e3), joules(entry.federated.computeJoules),
                        joules(entry.federated.communicationJoules), joules(fed), joules(central),
                        String(format: "%@, %.1fx", cheaper.side.rawValue, cheaper.ratio)]
            })
    }

    /// Every grid: both sides' carbon on the job's link (the sensitivity over grids).
    var gridSensitivity: ReportTable {
        ReportTable(
            header: ["grid", "g CO2e / kWh", "federated g CO2e", "centralized g CO2e"],
            rows: artifacts.profiles.grids.map { grid in
                [grid.name, String(format: "%.0f", grid.gramsCO2PerKWh.value), String(format: "%.3f", grid.grams(joules: federated.totalJoules)),
                 String(format: "%.3f", grid.grams(joules: centralizedSamePasses.totalJoules))]
            })
    }

    /// One row per round attempt, straight from the ledger; on a device clock with the round's
    /// device interval too.
    var perRound: ReportTable {
        ReportTable(
            header: ["round", "status", "clients", "test accuracy", "uplink bytes", "downlink bytes", "compute", "radio", "cumulative", "g CO2e"]
                + (clients.deviceClock == nil ? [] : ["device time"]),
            rows: artifacts.records.map { record in
                ["\(record.round)" + (record.attempt > 1 ? " (attempt \(record.attempt))" : ""), record.status.rawValue,
                 "\(record.completed.count)/\(record.selected.count)", record.testAccuracy.map { String(format: "%.4f", $0) } ?? "none",
                 "\(record.clients.reduce(0) { $0 + $1.bytesRead })", "\(record.clients.reduce(0) { $0 + $1.bytesWritten })",
                 joules(record.energy.computeJoules), joules(record.energy.communicationJoules), joules(record.energy.cumulativeJoules),
                 String(format: "%.4f", record.energy.gramsCO2e)]
                    + (record.device.map { [String(format: "%.2f to %.2f s", $0.interval.start, $0.interval.end)] } ?? [])
            })
    }

    /// Both sides with the wider network's range added (nil when the profiles give none).
    var widerNetworkTable: ReportTable? {
        guard let (federatedRange, centralizedRange) = widerNetwork else { return nil }
        func span(_ range: ClosedRange<Double>, plus base: Double = 0) -> String {
            "\(joules(base + range.lowerBound)) to \(joules(base + range.upperBound))"
        }
        return ReportTable(
            header: ["side", "bytes on the links", "wider network", "total with it"],
            rows: [
                ["federated", bytes(federatedBits / 8), span(federatedRange), span(federatedRange, plus: federated.totalJoules)],
                ["centralized, same sample passes", bytes(centralizedBits / 8), span(centralizedRange),
                 span(centralizedRange, plus: centralizedSamePasses.totalJoules)],
            ])
    }

    /// What the wider network's range does to the verdict, at its low and at its high end.
    var widerNetworkText: String? {
        guard let (federatedRange, centralizedRange) = widerNetwork, let network = artifacts.profiles.widerNetwork else { return nil }
        /// The cheaper side and by how much, with the network's energy at one end of its range.
        func cheaper(_ end: KeyPath<ClosedRange<Double>, Double>) -> (side: TrainingSide, ratio: Double) {
            cheaperSide(
                federated: federated.totalJoules + federatedRange[keyPath: end],
                centralized: centralizedSamePasses.totalJoules + centralizedRange[keyPath: end])
        }
        let (low, high) = (cheaper(\.lowerBound), cheaper(\.upperBound))
        let outcome = low.side == high.side
            ? String(format: "%@ is %.1fx cheaper at the low end and %.1fx at the high end", low.side.rawValue, low.ratio, high.ratio)
            : String(format: "%@ is %.1fx cheaper at the low end, %@ %.1fx at the high end", low.side.rawValue, low.ratio, high.side.rawValue, high.ratio)
        return String(
            format: "The access and core network behind the radio would add %@ to %@ for federated and %@ to %@ for centralized, "
                + "at %.3g to %.3g kWh/GB. Counted in, %@. %@",
            joules(federatedRange.lowerBound), joules(federatedRange.upperBound), joules(centralizedRange.lowerBound),
            joules(centralizedRange.upperBound), network.lowKilowattHoursPerGigabyte.value, network.highKilowattHoursPerGigabyte.value,
            outcome,
            "This is a range, not a measurement, and it is not in the verdict: network energy is mostly baseline rather than "
                + "proportional to bytes (Mytton, Lundén and Malmodin 2024).")
    }

    /// The compute of both sides under every accounting FedWatt offers, and which the verdict uses.
    var computeAccounting: ReportTable {
        let accounting = datacenterAccounting
        let work = accounting.work
        func used(_ yes: Bool) -> String { yes ? "verdict" : "" }
        let bases = Set(clients.devices.map(\.basis))
        var rows: [[String]] = federatedComputeByBasis.map { entry in
            ["federated", "devices at \(entry.basis.rawValue) power", joules(entry.joules), used(bases == [entry.basis])]
        }
        if let codec = federated.codecJoules {
            rows.append([
                "federated", "devices' codec work (decoding each model, encoding each update): counted operations at the device's FLOP/s, "
                    + "at the power training is charged at", joules(codec), "verdict",
            ])
        }
        for entry in accounting.methods {
            let detail: String
            switch entry.method {
            case .constant: detail = work.wallSeconds.map { String(format: "TDP × 50%% over %.2f s wall", $0) } ?? "wall time not recorded"
            case .processShare: detail = String(format: "TDP × %.2f CPU-s ÷ %d cores", work.cpuSeconds, work.hostCores)
            case .machineLoad:
                detail = work.machineLoad.flatMap { load in
                    work.wallSeconds.map { String(format: "TDP × (0.1 + 0.9 × %.2f³) over %.2f s wall", load, $0) }
                } ?? "machine load or wall time not recorded"
            }
            rows.append([
                "centralized", "host CPU, CodeCarbon \(entry.method.rawValue): \(detail), × PUE", entry.joules.map(joules) ?? "n/a",
                used(entry.method == accounting.chosen),
            ])
        }
        rows.append([
            "centralized", "host package, measured by RAPL, × PUE",
            accounting.measuredPackageJoules.map { joules($0 * datacenter.pue.value) }
                ?? accounting.raplUnreadable.map { "not readable here: \($0.reason)" } ?? "not recorded with this baseline",
            "",
        ])
        for gpu in accounting.gpus {
            rows.append(["centralized", String(format: "GPU %@ model: %.3g s at board power, × PUE", gpu.name, gpu.seconds), joules(gpu.joules), ""])
        }
        return ReportTable(header: ["side", "compute accounting", "energy", "used by"], rows: rows)
    }

    /// Every constant the comparison used, with its source; and its plausible range with the reason
    /// where the profiles give ranges.
    var constants: ReportTable {
        let profiles = artifacts.profiles
        let table = ConstantRows(profiles: profiles)
        var rows = table.devices(clients.devices)
        rows += [
            table.row("datacenter \(datacenter.name)", "CPU TDP", "\(datacenter.cpuTDPWatts.value) W", datacenter.cpuTDPWatts),
            table.setting("datacenter \(datacenter.name)", "CPU method", datacenterAccounting.chosen.rawValue,
                    "CodeCarbon 3.3.0's rules (default \(CPUPowerMethod.default.rawValue)); docs/ARCHITECTURE.md"),
            table.setting("datacenter \(datacenter.name)", "host cores", "\(artifacts.baseline.hostCores)", "measurement: logical cores of the host that ran the baseline"),
            table.row("datacenter \(datacenter.name)", "PUE", "\(datacenter.pue.value)", datacenter.pue),
        ]
        if let factor = profiles.baselineHostTimeFactor {
            rows.append(table.row("baseline", "host time factor", "\(factor.value)", factor))
        }
        for gpu in profiles.gpus ?? [] {
            rows.append(table.row("gpu \(gpu.name)", "sustained FLOP/s", String(format: "%.3g", gpu.sustainedFLOPS.value), gpu.sustainedFLOPS))
            rows.append(table.row("gpu \(gpu.name)", "board power", "\(gpu.boardPowerWatts.value) W", gpu.boardPowerWatts))
        }
        return ReportTable(header: table.header, rows: rows + table.network())
    }

    /// The break-even sentence.
    var breakEvenText: String {
        let savazzi = "Savazzi et al. (2021) find federated learning saves energy on links at or below 50 kbit/J."
        guard let efficiency = breakEvenBitsPerJoule else {
            let winner = cheaperSide(federated: federated.totalJoules, centralized: centralizedSamePasses.totalJoules).side.rawValue.capitalized
            return "\(winner) training is cheaper at every link efficiency for this job, holding compute and radio overheads fixed. \(savazzi)"
        }
        let above = cheaperAboveBreakEven
        let jobLinks: String
        switch clients {
        case .alike(_, let link): jobLinks = String(format: "This job's link (%@) moves %.0f kbit/J uplink.", link.name, link.bitsPerJoule(.up) / 1e3)
        case .fleet:
            jobLinks = "This fleet's links move "
                + clients.links.map { String(format: "%.0f kbit/J (%@)", $0.bitsPerJoule(.up) / 1e3, $0.name) }.joined(separator: ", ") + " uplink."
        }
        return String(
            format: "Break-even link efficiency: %.1f kbit/J. On links more efficient than that, %@ training is cheaper; on less efficient links, %@ is. "
                + "%@ %@",
            efficiency / 1e3, above.rawValue, above.other.rawValue, jobLinks, savazzi)
    }
}

/// `1.23 MB` (10^6 bytes).
func bytes(_ value: Double) -> String { String(format: "%.2f MB", value / 1e6) }

/// The rows of a report's "Constants used": each constant with its source, and its plausible range
/// with the reason when the profiles give ranges (a column the table then has).
struct ConstantRows {
    let profiles: EnergyProfiles
    /// Whether any constant has a range.
    let withRanges: Bool

    init(profiles: EnergyProfiles) {
        self.profiles = profiles
        withRanges = profiles.namedConstants.contains { $0.value.range != nil }
    }

    /// The table's header.
    var header: [String] { ["profile", "constant", "value", "source"] + (withRanges ? ["plausible range and why"] : []) }

    /// A constant's row: its profile, name, value as text, source and range (`absent` when the file has none).
    func row(_ profile: String, _ name: String, _ text: String, _ value: SourcedValue?, absent: String = "") -> [String] {
        [profile, name, text, value?.source ?? absent]
            + (withRanges ? [value?.range.map { "\($0.low) to \($0.high): \($0.reason)" } ?? (value == nil ? "" : "none given")] : [])
    }

    /// A setting's or measurement's row: not a constant, so no range.
    func setting(_ profile: String, _ name: String, _ text: String, _ source: String) -> [String] {
        [profile, name, text, source] + (withRanges ? [""] : [])
    }

    /// The devices' constants: the first rows.
    func devices(_ devices: [DeviceProfile]) -> [[String]] {
        devices.flatMap { device in
            [
                row("device \(device.name)", "active power", "\(device.activePowerWatts.value) W", device.activePowerWatts),
                row("device \(device.name)", "idle power", device.idlePowerWatts.map { "\($0.value) W" } ?? "not given", device.idlePowerWatts,
                    absent: "absent from this profiles file"),
                setting("device \(device.name)", "compute charged at", device.basis.rawValue, "profile setting (default \(ComputePowerBasis.default.rawValue))"),
                row("device \(device.name)", "sustained FLOP/s", String(format: "%.3g", device.sustainedFLOPS.value), device.sustainedFLOPS),
            ]
        }
    }

    /// The links', codec stages', grids' and wider network's constants: the last rows.
    func network() -> [[String]] {
        var rows: [[String]] = []
        for link in profiles.links {
            for field in LinkProfile.constantFields {
                let (label, unit) = VerdictConstant.linkFields[field.name] ?? (label: field.name, unit: "")
                let value = link[keyPath: field.path]
                rows.append(row("link \(link.name)", label, "\(value.value) \(unit)", value))
            }
        }
        for stage in profiles.codecWork?.stages ?? [] {
            for direction in [CodecWorkDirection.encode, .decode] {
                let value = stage.operations(direction)
                rows.append(row("codec \(stage.stage.rawValue)", "\(direction.rawValue) operations per \(stage.stage.unit.rawValue)", "\(value.value)", value))
            }
        }
        for grid in profiles.grids {
            rows.append(row("grid \(grid.name)", "carbon intensity", "\(grid.gramsCO2PerKWh.value) g/kWh", grid.gramsCO2PerKWh))
        }
        if let network = profiles.widerNetwork {
            for (name, value) in [("low", network.lowKilowattHoursPerGigabyte), ("high", network.highKilowattHoursPerGigabyte)] {
                rows.append(row("wider network", "\(name) intensity", "\(value.value) kWh/GB", value))
            }
        }
        return rows
    }
}
