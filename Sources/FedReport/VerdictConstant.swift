import FedEnergy

/// A constant that feeds the verdict's ratio, with where it sits in the profiles, so the
/// uncertainty analysis can move it within its plausible range.
struct VerdictConstant: Sendable {
    /// Its path in `profiles.json` (`devices[rpi4].activePowerWatts`).
    var name: String
    /// What it is, for the report (`rpi4 active power`).
    var label: String
    /// Its unit (`W`, `FLOP/s`, `s`).
    var unit: String
    /// Its value and source, with the range the analysis moves it in (nil: held fixed).
    var value: SourcedValue
    /// Sets it to a value in a copy of the profiles.
    var set: @Sendable (inout EnergyProfiles, Double) -> Void

    /// The range to move it in, when it has one that moves it.
    var movingRange: PlausibleRange? { value.range.flatMap { $0.isPinned ? nil : $0 } }

    /// Every constant of `profiles` that the ratio of a run depends on: the devices' power on their
    /// basis and FLOP/s, every constant of the links, the datacenter's TDP and PUE, the codec work of
    /// the stages the job's codecs run (when the ledger counted it), and the baseline's host-time
    /// factor. Grids are not among them: one grid multiplies both sides.
    static func constants(
        of profiles: EnergyProfiles, devices: [String], links: [String], datacenter: String, codecStages: [(CodecStageKind, CodecWorkDirection)]
    ) -> [VerdictConstant] {
        var constants: [VerdictConstant] = []
        for name in devices {
            guard let index = profiles.devices.firstIndex(where: { $0.name == name }) else { continue }
            let device = profiles.devices[index]
            constants.append(VerdictConstant(
                name: "devices[\(name)].activePowerWatts", label: "\(name) active power", unit: "W", value: device.activePowerWatts,
                set: { $0.devices[index].activePowerWatts.value = $1 }))
            if device.basis == .marginal, let idle = device.idlePowerWatts {
                constants.append(VerdictConstant(
                    name: "devices[\(name)].idlePowerWatts", label: "\(name) idle power", unit: "W", value: idle,
                    set: { $0.devices[index].idlePowerWatts?.value = $1 }))
            }
            constants.append(VerdictConstant(
                name: "devices[\(name)].sustainedFLOPS", label: "\(name) FLOP/s", unit: "FLOP/s", value: device.sustainedFLOPS,
                set: { $0.devices[index].sustainedFLOPS.value = $1 }))
        }
        for name in links {
            guard let index = profiles.links.firstIndex(where: { $0.name == name }) else { continue }
            for field in LinkProfile.constantFields {
                let path = field.path
                constants.append(VerdictConstant(
                    name: "links[\(name)].\(field.name)", label: "\(name) \(Self.linkFields[field.name]?.label ?? field.name)",
                    unit: Self.linkFields[field.name]?.unit ?? "", value: profiles.links[index][keyPath: path],
                    set: { $0.links[index][keyPath: path].value = $1 }))
            }
        }
        if let index = profiles.datacenters.firstIndex(where: { $0.name == datacenter }) {
            constants.append(VerdictConstant(
                name: "datacenters[\(datacenter)].cpuTDPWatts", label: "datacenter CPU TDP", unit: "W",
                value: profiles.datacenters[index].cpuTDPWatts, set: { $0.datacenters[index].cpuTDPWatts.value = $1 }))
            constants.append(VerdictConstant(
                name: "datacenters[\(datacenter)].pue", label: "datacenter PUE", unit: "", value: profiles.datacenters[index].pue,
                set: { $0.datacenters[index].pue.value = $1 }))
        }
        for (stage, direction) in codecStages {
            guard let index = profiles.codecWork?.stages.firstIndex(where: { $0.stage == stage }),
                let work = profiles.codecWork?.stages[index]
            else { continue }
            let unit = "op/\(stage.unit.rawValue)"
            constants.append(VerdictConstant(
                name: "codecWork[\(stage.rawValue)].\(direction.rawValue)Operations", label: "\(stage.rawValue) \(direction.rawValue) work",
                unit: unit, value: work.operations(direction),
                set: { profiles, value in
                    switch direction {
                    case .encode: profiles.codecWork?.stages[index].encodeOperations.value = value
                    case .decode: profiles.codecWork?.stages[index].decodeOperations.value = value
                    }
                }))
        }
        if let factor = profiles.baselineHostTimeFactor {
            constants.append(VerdictConstant(
                name: "baselineHostTimeFactor", label: "baseline host time factor", unit: "×", value: factor,
                set: { $0.baselineHostTimeFactor?.value = $1 }))
        }
        return constants
    }

    /// How the report names each link constant (by field name), and its unit.
    static let linkFields: [String: (label: String, unit: String)] = [
        "upMilliwattsPerMbps": ("a_up", "mW/Mbps"), "downMilliwattsPerMbps": ("a_down", "mW/Mbps"), "baseMilliwatts": ("beta", "mW"),
        "upMbps": ("uplink", "Mbps"), "downMbps": ("downlink", "Mbps"), "tailMilliwatts": ("tail power", "mW"), "tailSeconds": ("tail time", "s"),
        "promotionMilliwatts": ("promotion power", "mW"), "promotionSeconds": ("promotion time", "s"),
    ]
}
