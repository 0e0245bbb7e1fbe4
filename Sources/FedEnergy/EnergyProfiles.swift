import Foundation

/// A constant and where it comes from; a source starting with "assumption" marks a value with no
/// primary source, and the report labels it so.
public struct SourcedValue: Sendable, Hashable, Codable {
    /// The number, in the unit its field name gives.
    public var value: Double
    /// Paper, datasheet or measurement; or "assumption: ...".
    public var source: String
    /// What was checked of the value against its source, where and when (nil: nothing recorded).
    public var checked: String?
    /// Its plausible low and high values with the reason (nil: none given; the uncertainty analysis
    /// then holds it fixed and says so).
    public var range: PlausibleRange?

    /// Creates a sourced value.
    public init(_ value: Double, source: String, checked: String? = nil, range: PlausibleRange? = nil) {
        self.value = value
        self.source = source
        self.checked = checked
        self.range = range
    }

    /// True when no primary source backs the value.
    public var isAssumption: Bool { source.lowercased().hasPrefix("assumption") }
}

/// An edge device: how fast it trains and what it draws while training (no PUE: devices need no cooling).
public struct DeviceProfile: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    /// The whole board's power while a client trains on it (one thread, as clients run).
    public var activePowerWatts: SourcedValue
    /// The whole board's power at rest (absent in profiles files from before idle power was
    /// recorded: such a device has no marginal figure).
    public var idlePowerWatts: SourcedValue?
    /// Sustained float32 FLOP/s of single-threaded training.
    public var sustainedFLOPS: SourcedValue
    /// Which power training is charged at (nil in the file: `ComputePowerBasis.default`).
    public var computePower: ComputePowerBasis?

    /// The basis this device's training is charged on.
    public var basis: ComputePowerBasis { computePower ?? .default }
}

/// A radio link under the power model of Huang et al. (MobiSys 2012):
/// `P = a_up * t_up + a_down * t_down + beta` while transferring, plus tail and promotion states.
public struct LinkProfile: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    public var upMilliwattsPerMbps: SourcedValue
    public var downMilliwattsPerMbps: SourcedValue
    public var baseMilliwatts: SourcedValue
    public var upMbps: SourcedValue
    public var downMbps: SourcedValue
    public var tailMilliwatts: SourcedValue
    public var tailSeconds: SourcedValue
    public var promotionMilliwatts: SourcedValue
    public var promotionSeconds: SourcedValue

    /// Every constant of a link, with its field name, in the file's order.
    public static let constantFields: [(name: String, path: WritableKeyPath<LinkProfile, SourcedValue> & Sendable)] = [
        ("upMilliwattsPerMbps", \.upMilliwattsPerMbps), ("downMilliwattsPerMbps", \.downMilliwattsPerMbps),
        ("baseMilliwatts", \.baseMilliwatts), ("upMbps", \.upMbps), ("downMbps", \.downMbps), ("tailMilliwatts", \.tailMilliwatts),
        ("tailSeconds", \.tailSeconds), ("promotionMilliwatts", \.promotionMilliwatts), ("promotionSeconds", \.promotionSeconds),
    ]
}

/// Where the centralized baseline runs: this host's measured work at CodeCarbon's CPU power for the
/// datacenter's CPU TDP (`CPUPowerMethod`), times the datacenter's PUE.
public struct DatacenterProfile: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    public var cpuTDPWatts: SourcedValue
    public var pue: SourcedValue
}

/// The carbon intensity of a region's electricity.
public struct GridProfile: Sendable, Hashable, Codable {
    public var name: String
    public var gramsCO2PerKWh: SourcedValue
}

/// The access and core network behind the device's radio, as energy per byte between two sourced
/// intensities. Network energy is mostly baseline rather than proportional to bytes (Mytton, Lundén
/// and Malmodin 2024), so it is reported as a range beside the totals, never folded into them.
public struct WiderNetworkProfile: Sendable, Hashable, Codable {
    public var description: String
    public var lowKilowattHoursPerGigabyte: SourcedValue
    public var highKilowattHoursPerGigabyte: SourcedValue

    /// The energy of moving `bytes` at the low and at the high intensity (1 GB = 10^9 bytes).
    public func joules(bytes: Int) -> ClosedRange<Double> {
        let gigabytes = Double(bytes) / 1e9
        return gigabytes * lowKilowattHoursPerGigabyte.value * 3.6e6...gigabytes * highKilowattHoursPerGigabyte.value * 3.6e6
    }
}

/// Every profile FedWatt can account with, loaded from `profiles.json` (the shipped file, or the
/// user's own with the same schema).
public struct EnergyProfiles: Sendable, Hashable, Codable {
    public var about: String
    public var devices: [DeviceProfile]
    public var links: [LinkProfile]
    public var datacenters: [DatacenterProfile]
    /// Datacenter GPUs the centralized side is also modelled on (absent in older profiles files).
    public var gpus: [DatacenterGPU]?
    public var grids: [GridProfile]
    /// The wider network's per-byte range (optional: a profiles file without it gets no range).
    public var widerNetwork: WiderNetworkProfile?
    /// What encoding and decoding cost the devices (absent in older profiles files: no codec work
    /// is then counted).
    public var codecWork: CodecWorkProfile?
    /// A factor on the centralized baseline's measured CPU-seconds and wall seconds: 1 as measured,
    /// its range the spread of the same work measured on this host (absent in older files: 1, fixed).
    public var baselineHostTimeFactor: SourcedValue?

    /// The profiles shipped with FedWatt (`Sources/FedEnergy/Resources/profiles.json`).
    public static func shipped() throws -> EnergyProfiles {
        guard let url = Bundle.module.url(forResource: "profiles", withExtension: "json") else {
            throw EnergyError.profiles("the shipped profiles.json is missing from the FedEnergy resources")
        }
        return try load(url: url)
    }

    /// Loads and validates a profiles file.
    public static func load(path: String) throws -> EnergyProfiles {
        try load(url: URL(fileURLWithPath: path))
    }

    private static func load(url: URL) throws -> EnergyProfiles {
        let profiles: EnergyProfiles
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw EnergyError.profiles("cannot read \(url.path): \(error.localizedDescription)")
        }
        do {
            profiles = try JSONDecoder().decode(EnergyProfiles.self, from: data)
        } catch let error as DecodingError {
            throw EnergyError.profiles("\(url.path): \(Self.describe(error))")
        } catch {
            throw EnergyError.profiles("\(url.path): \(error)")
        }
        try profiles.validate()
        return profiles
    }

    /// A decoding error as the field it concerns (`devices[0].idlePowerWatts`) and what is wrong with it.
    static func describe(_ error: DecodingError) -> String {
        func field(_ path: [CodingKey]) -> String {
            path.reduce("") { text, key in
                key.intValue.map { "\(text)[\($0)]" } ?? (text.isEmpty ? key.stringValue : "\(text).\(key.stringValue)")
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "field \(field(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "field \(field(context.codingPath)) has the wrong type: \(context.debugDescription)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "not valid JSON: \(context.debugDescription)" : "field \(field(context.codingPath)): \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// Checks names are unique and every constant is a finite number in its range.
    public func validate() throws {
        func check(_ kind: String, _ names: [String]) throws {
            guard Set(names).count == names.count else { throw EnergyError.profiles("\(kind) names repeat: \(names)") }
        }
        try check("device", devices.map(\.name))
        try check("link", links.map(\.name))
        try check("datacenter", datacenters.map(\.name))
        try check("gpu", (gpus ?? []).map(\.name))
        try check("grid", grids.map(\.name))
        func positive(_ value: SourcedValue, _ what: String) throws {
            guard value.value.isFinite, value.value > 0 else { throw EnergyError.profiles("\(what) must be positive, is \(value.value)") }
        }
        func nonNegative(_ value: SourcedValue, _ what: String) throws {
            guard value.value.isFinite, value.value >= 0 else { throw EnergyError.profiles("\(what) must not be negative, is \(value.value)") }
        }
        for device in devices {
            try positive(device.activePowerWatts, "device \(device.name) activePowerWatts")
            if let idle = device.idlePowerWatts {
                try nonNegative(idle, "device \(device.name) idlePowerWatts")
                guard idle.value <= device.activePowerWatts.value else {
                    throw EnergyError.profiles("device \(device.name) idlePowerWatts must not exceed activePowerWatts")
                }
            } else if device.basis == .marginal {
                throw EnergyError.profiles("device \(device.name) computePower marginal needs idlePowerWatts")
            }
            try positive(device.sustainedFLOPS, "device \(device.name) sustainedFLOPS")
        }
        for link in links {
            for field in LinkProfile.constantFields {
                // Throughputs divide: they must be positive; powers and times may be 0 (no such state).
                let isThroughput = field.name == "upMbps" || field.name == "downMbps"
                try (isThroughput ? positive : nonNegative)(link[keyPath: field.path], "link \(link.name) \(field.name)")
            }
        }
        for datacenter in datacenters {
            try positive(datacenter.cpuTDPWatts, "datacenter \(datacenter.name) cpuTDPWatts")
            guard datacenter.pue.value.isFinite, datacenter.pue.value >= 1 else {
                throw EnergyError.profiles("datacenter \(datacenter.name) PUE must be at least 1")
            }
        }
        for gpu in gpus ?? [] {
            try positive(gpu.sustainedFLOPS, "gpu \(gpu.name) sustainedFLOPS")
            try positive(gpu.boardPowerWatts, "gpu \(gpu.name) boardPowerWatts")
        }
        for grid in grids { try nonNegative(grid.gramsCO2PerKWh, "grid \(grid.name) intensity") }
        if let codecWork {
            let missing = CodecStageKind.allCases.filter { codecWork.work($0) == nil }
            guard missing.isEmpty else {
                throw EnergyError.profiles("codecWork has no entry for \(missing.map(\.rawValue).joined(separator: ", ")): give every stage kind its costs")
            }
            try check("codecWork stage", codecWork.stages.map(\.stage.rawValue))
            for stage in codecWork.stages {
                try nonNegative(stage.encodeOperations, "codecWork \(stage.stage.rawValue) encodeOperations")
                try nonNegative(stage.decodeOperations, "codecWork \(stage.stage.rawValue) decodeOperations")
            }
        }
        if let factor = baselineHostTimeFactor { try positive(factor, "baselineHostTimeFactor") }
        for (name, constant) in namedConstants {
            guard let range = constant.range else { continue }
            guard range.low.isFinite, range.high.isFinite, range.low >= 0, range.low <= constant.value, constant.value <= range.high else {
                throw EnergyError.profiles(
                    "\(name) has range \(range.low)...\(range.high), which must be finite, not negative, and hold its value \(constant.value)")
            }
            guard !range.reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw EnergyError.profiles("\(name) has a range without a reason: say where the low and high values come from")
            }
        }
        if let network = widerNetwork {
            try positive(network.lowKilowattHoursPerGigabyte, "wider network low kWh/GB")
            guard network.highKilowattHoursPerGigabyte.value.isFinite,
                network.highKilowattHoursPerGigabyte.value >= network.lowKilowattHoursPerGigabyte.value
            else { throw EnergyError.profiles("wider network high kWh/GB must be at least the low one") }
        }
    }

    /// Every constant in the file with its path (`devices[rpi4].activePowerWatts`), in file order.
    public var namedConstants: [(name: String, value: SourcedValue)] {
        var constants: [(String, SourcedValue)] = []
        for device in devices {
            constants += [("devices[\(device.name)].activePowerWatts", device.activePowerWatts)]
            constants += device.idlePowerWatts.map { [("devices[\(device.name)].idlePowerWatts", $0)] } ?? []
            constants += [("devices[\(device.name)].sustainedFLOPS", device.sustainedFLOPS)]
        }
        for link in links {
            constants += LinkProfile.constantFields.map { ("links[\(link.name)].\($0.name)", link[keyPath: $0.path]) }
        }
        for datacenter in datacenters {
            constants += [("datacenters[\(datacenter.name)].cpuTDPWatts", datacenter.cpuTDPWatts), ("datacenters[\(datacenter.name)].pue", datacenter.pue)]
        }
        for gpu in gpus ?? [] {
            constants += [("gpus[\(gpu.name)].sustainedFLOPS", gpu.sustainedFLOPS), ("gpus[\(gpu.name)].boardPowerWatts", gpu.boardPowerWatts)]
        }
        constants += grids.map { ("grids[\($0.name)].gramsCO2PerKWh", $0.gramsCO2PerKWh) }
        if let network = widerNetwork {
            constants += [
                ("widerNetwork.lowKilowattHoursPerGigabyte", network.lowKilowattHoursPerGigabyte),
                ("widerNetwork.highKilowattHoursPerGigabyte", network.highKilowattHoursPerGigabyte),
            ]
        }
        for stage in codecWork?.stages ?? [] {
            constants += [
                ("codecWork[\(stage.stage.rawValue)].encodeOperations", stage.encodeOperations),
                ("codecWork[\(stage.stage.rawValue)].decodeOperations", stage.decodeOperations),
            ]
        }
        constants += baselineHostTimeFactor.map { [("baselineHostTimeFactor", $0)] } ?? []
        return constants
    }

    /// The device called `name`, or an error listing the known ones.
    public func device(_ name: String) throws -> DeviceProfile { try find(name, in: devices, kind: "device", \.name) }

    /// The link called `name`, or an error listing the known ones.
    public func link(_ name: String) throws -> LinkProfile { try find(name, in: links, kind: "link", \.name) }

    /// The datacenter called `name`, or an error listing the known ones.
    public func datacenter(_ name: String) throws -> DatacenterProfile { try find(name, in: datacenters, kind: "datacenter", \.name) }

    /// The grid called `name`, or an error listing the known ones.
    public func grid(_ name: String) throws -> GridProfile { try find(name, in: grids, kind: "grid", \.name) }

    private func find<Profile>(_ name: String, in profiles: [Profile], kind: String, _ nameOf: (Profile) -> String) throws -> Profile {
        guard let found = profiles.first(where: { nameOf($0) == name }) else { throw EnergyError.unknown(kind, name, profiles.map(nameOf)) }
        return found
    }
}

/// Why profiles could not be used.
public enum EnergyError: Error, Equatable, CustomStringConvertible {
    /// The profiles file is unreadable or holds an impossible value.
    case profiles(String)
    /// No profile of that kind has that name.
    case unknown(String, String, [String])

    public var description: String {
        switch self {
        case .profiles(let detail): return "energy profiles: \(detail)"
        case .unknown(let kind, let name, let known): return "unknown \(kind) profile '\(name)'; known: \(known.joined(separator: ", "))"
        }
    }
}
