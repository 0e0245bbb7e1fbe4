import FedEnergy
import FedLedger
import Foundation

/// The federated run's energy: without a fleet, under one link profile, recomputed from the ledger's
/// counted FLOPs and socket bytes; on a device clock, the ledger's own, charged on each radio's
/// timeline.
public struct FederatedEnergy: Sendable, Codable, Hashable {
    /// Devices' training energy (the same under every link).
    public var computeJoules: Double
    /// Devices' encoding and decoding energy (nil: the ledger did not count it).
    public var codecJoules: Double?
    /// Bytes moved both ways, at the link's transfer power.
    public var transferJoules: Double
    /// Promotion and tail states: once per radio burst, or on a device clock the promotions and the
    /// tail time each radio really spent (the idle radios' tails included).
    public var overheadJoules: Double
    /// Total energy after each round attempt, in ledger order.
    public var cumulativeJoules: [Double]

    public var communicationJoules: Double { transferJoules + overheadJoules }
    public var totalJoules: Double { computeJoules + (codecJoules ?? 0) + communicationJoules }
}

/// The centralized baseline's energy under one link profile.
public struct CentralizedEnergy: Sendable, Codable, Hashable {
    /// Epochs of the baseline counted.
    public var epochs: Int
    /// Test accuracy after those epochs.
    public var accuracy: Double
    /// Measured CPU-seconds of those epochs on this host.
    public var cpuSeconds: Double
    /// The host's measured work in the datacenter profile under the chosen CodeCarbon CPU method, × PUE.
    public var computeJoules: Double
    /// Devices uploading their zlib-compressed raw shards, each at its own link's transfer power.
    public var uploadTransferJoules: Double
    /// One promotion and tail per device upload.
    public var uploadOverheadJoules: Double

    public var communicationJoules: Double { uploadTransferJoules + uploadOverheadJoules }
    public var totalJoules: Double { computeJoules + communicationJoules }
}

/// Federated against centralized for one run: the numbers the report's verdict, charts and tables
/// are drawn from.
public struct EnergyComparison: Sendable {
    public var artifacts: RunArtifacts
    /// The devices and links the clients modelled (the ledger's), and with a fleet the device clock's figures.
    public var clients: FederatedClients
    public var datacenter: DatacenterProfile
    public var grid: GridProfile
    /// The centralized compute of the same sample passes under every method, the measurement and the GPU model.
    public var datacenterAccounting: DatacenterAccounting
    /// The centralized host compute after each baseline epoch, under the chosen method (cumulative).
    public var centralizedComputeByEpoch: [Double]
    /// The federated compute on each power basis that every device has a figure for: its seconds at
    /// its power on that basis (the verdict charges each device on its profile's own basis).
    public var federatedComputeByBasis: [(basis: ComputePowerBasis, joules: Double)]
    /// Under the job's own links: equal to the ledger's totals.
    public var federated: FederatedEnergy
    /// The baseline over the same number of sample passes as the federated run.
    public var centralizedSamePasses: CentralizedEnergy
    /// The accuracy asked for (`--target-accuracy`); nil: the federated final accuracy.
    public var targetAccuracy: Double?
    /// The baseline until it first reached the target accuracy (nil: not within its epochs).
    public var centralizedToTarget: CentralizedEnergy?
    /// Every link profile, for the stacked chart and the sensitivity table; empty on a device clock,
    /// whose radio energy depends on when each transfer happens, which another link would change.
    public var perLink: [(link: LinkProfile, federated: FederatedEnergy, centralized: CentralizedEnergy)]
    /// Bits the federated run moved (both ways) and the centralized baseline would upload.
    public var federatedBits: Double
    public var centralizedBits: Double
    /// The wider network's energy for each side's bytes, from the low to the high intensity of the
    /// profiles (nil when they give none). Outside the totals and the verdict: that energy is
    /// mostly baseline, not per byte.
    public var widerNetwork: (federated: ClosedRange<Double>, centralized: ClosedRange<Double>)?
    /// The verdict's uncertainty (nil when no constant that feeds it has a range in the profiles).
    public var uncertainty: VerdictUncertainty?

    /// Compares the run in `artifacts` under the named datacenter and CodeCarbon CPU method (the grid
    /// is the run's). The centralized baseline is counted to `targetAccuracy` (nil: the federated
    /// final accuracy), and so is a device-clock run's time and energy to target. The verdict's
    /// uncertainty draws `uncertaintyDraws` sets of constants from `uncertaintySeed`.
    public init(
        artifacts: RunArtifacts, datacenter: String = "average", cpuMethod: CPUPowerMethod = .default, targetAccuracy: Double? = nil,
        uncertaintyDraws: Int = EnergyComparison.defaultUncertaintyDraws, uncertaintySeed: UInt64 = EnergyComparison.defaultUncertaintySeed
    ) throws {
        self.artifacts = artifacts
        let profiles = artifacts.profiles
        guard let first = artifacts.records.first?.clients.first else { throw ReportError.inconsistent("the ledger has no rounds") }
        if let targetAccuracy, !(targetAccuracy > 0 && targetAccuracy <= 1) { throw ReportError.targetAccuracy(targetAccuracy) }
        guard uncertaintyDraws >= 1 else { throw ReportError.uncertaintyDraws(uncertaintyDraws) }
        guard !artifacts.baseline.records.isEmpty else { throw ReportError.inconsistent("the centralized baseline has no epochs") }
        let dc = try profiles.datacenter(datacenter)
        (self.datacenter, self.targetAccuracy) = (dc, targetAccuracy)
        grid = try profiles.grid(artifacts.summary.grid)
        let records = artifacts.records
        let baseline = artifacts.baseline
        let target = targetAccuracy ?? artifacts.summary.finalAccuracy
        datacenterAccounting = DatacenterAccounting(
            baseline: baseline, epochs: baseline.records.count, datacenter: dc, gpus: profiles.gpus ?? [], chosen: cpuMethod)
        let computeByEpoch = try baseline.records.indices.map { try Self.computeJoules(baseline, epochs: $0 + 1, datacenter: dc, method: cpuMethod) }
        centralizedComputeByEpoch = computeByEpoch
        let devices = try Dictionary(Set(records.flatMap(\.clients).map(\.device)).map { ($0, try profiles.device($0)) }) { first, _ in first }
        federatedComputeByBasis = ComputePowerBasis.allCases.compactMap { basis in
            var joules = 0.0
            for client in records.flatMap(\.clients) {
                guard let watts = devices[client.device]?.computeWatts(basis) else { return nil }
                joules += client.energy.deviceComputeSeconds * watts
            }
            return (basis, joules)
        }
        let uploadLinks: [LinkProfile]
        if records.contains(where: { $0.device != nil }) {
            clients = .fleet(try DeviceClockFigures(records: records, profiles: profiles, targetAccuracy: target))
            uploadLinks = try Self.uploadLinks(of: baseline, records: records, profiles: profiles)
            federated = Self.federated(records)
            perLink = []
        } else {
            guard records.allSatisfy({ $0.clients.allSatisfy { $0.device == first.device && $0.link == first.link } }) else {
                throw ReportError.inconsistent("clients declared different devices or links; the report compares one of each")
            }
            let (device, link) = (try profiles.device(first.device), try profiles.link(first.link))
            clients = .alike(device: device, link: link)
            uploadLinks = Array(repeating: link, count: baseline.rawUploadBytes.count)
            perLink = profiles.links.map {
                ($0, Self.federated(records, device: device, link: $0),
                 Self.centralized(
                    baseline, epochs: baseline.records.count, links: Array(repeating: $0, count: baseline.rawUploadBytes.count),
                    computeJoules: computeByEpoch[baseline.records.count - 1]))
            }
            // The job's own link is one of the profiles' links: its entry is the comparison.
            guard let jobEntry = perLink.first(where: { $0.link.name == link.name }) else {
                throw ReportError.inconsistent("link \(link.name) is not among the profiles' links")
            }
            federated = jobEntry.federated
        }
        centralizedSamePasses = Self.centralized(
            baseline, epochs: baseline.records.count, links: uploadLinks, computeJoules: computeByEpoch[baseline.records.count - 1])
        let reached = baseline.records.firstIndex { $0.testAccuracy >= target }
        centralizedToTarget = reached.map { Self.centralized(baseline, epochs: $0 + 1, links: uploadLinks, computeJoules: computeByEpoch[$0]) }
        let federatedBytes = records.flatMap(\.clients).reduce(0) { $0 + $1.bytesRead + $1.bytesWritten }
        let centralizedBytes = baseline.rawUploadBytes.reduce(0, +)
        (federatedBits, centralizedBits) = (Double(federatedBytes) * 8, Double(centralizedBytes) * 8)
        widerNetwork = profiles.widerNetwork.map { ($0.joules(bytes: federatedBytes), $0.joules(bytes: centralizedBytes)) }
        let job = artifacts.summary.job
        let codecStages = federated.codecJoules == nil ? []
            : CodecWorkProfile.units(job.uplinkCodec, sizes: .zero).map { ($0.kind, CodecWorkDirection.encode) }
                + CodecWorkProfile.units(job.downlinkCodec, sizes: .zero).map { ($0.kind, CodecWorkDirection.decode) }
        let constants = VerdictConstant.constants(
            of: profiles, devices: clients.devices.map(\.name), links: (clients.links + uploadLinks).map(\.name).firstOfEach,
            datacenter: dc.name, codecStages: codecStages)
        uncertainty = constants.contains { $0.movingRange != nil }
            ? VerdictUncertainty(
                model: try VerdictModel(self), profiles: profiles, constants: constants, chosen: cpuMethod, draws: uncertaintyDraws,
                seed: uncertaintySeed)
            : nil
    }

    /// The Monte Carlo's draws unless told otherwise.
    public static let defaultUncertaintyDraws = 1000
    /// The Monte Carlo's seed unless told otherwise.
    public static let defaultUncertaintySeed: UInt64 = 1

    /// Each client's link for the raw-shard upload of a device-clock run: its class's, as
    /// `centralized.json` records it (`fedwatt simulate` writes it from the fleet, so a client never
    /// selected has one too), checked against every line of the ledger.
    static func uploadLinks(of baseline: BaselineRecord, records: [RoundRecord], profiles: EnergyProfiles) throws -> [LinkProfile] {
        guard !baseline.rawUploadBytes.isEmpty else { return [] }
        guard let names = baseline.rawUploadLinks, names.count == baseline.rawUploadBytes.count else {
            throw ReportError.inconsistent(
                "centralized.json gives \(baseline.rawUploadBytes.count) raw uploads but \(baseline.rawUploadLinks?.count ?? 0) links "
                    + "(rawUploadLinks); a device-clock run's raw data goes up over each client's own link")
        }
        for record in records {
            for line in record.clients where !names.indices.contains(line.client) || names[line.client] != line.link {
                throw ReportError.inconsistent(
                    "client \(line.client) is on \(line.link) in round \(record.round) of the ledger, "
                        + (names.indices.contains(line.client) ? "and on \(names[line.client]) in centralized.json" : "and not in centralized.json"))
            }
        }
        return try names.map(profiles.link)
    }

    /// The host compute of the baseline's first `epochs` epochs in `datacenter` under `method`.
    static func computeJoules(_ baseline: BaselineRecord, epochs: Int, datacenter: DatacenterProfile, method: CPUPowerMethod) throws -> Double {
        guard let joules = datacenter.joules(baseline.hostWork(epochs: epochs), method: method) else {
            throw ReportError.inconsistent("the CPU method \(method.rawValue) needs the machine load, which this baseline did not record")
        }
        return joules
    }

    /// The baseline's first `epochs` epochs at `computeJoules` of datacenter compute, client `i`
    /// uploading its raw shard over `links[i]`.
    static func centralized(_ baseline: BaselineRecord, epochs: Int, links: [LinkProfile], computeJoules: Double) -> CentralizedEnergy {
        let record = baseline.records[epochs - 1]
        let uploads = zip(baseline.rawUploadBytes, links).map { bytes, link in link.uploadEnergy(bytes: bytes) }
        return CentralizedEnergy(
            epochs: epochs, accuracy: record.testAccuracy, cpuSeconds: record.cpuSeconds,
            computeJoules: computeJoules,
            uploadTransferJoules: uploads.reduce(0) { $0 + $1.uplinkJoules },
            uploadOverheadJoules: uploads.reduce(0) { $0 + $1.overheadJoules })
    }

    /// The federated run's energy recomputed under `link`.
    static func federated(_ records: [RoundRecord], device: DeviceProfile, link: LinkProfile) -> FederatedEnergy {
        var energy = FederatedEnergy(computeJoules: 0, transferJoules: 0, overheadJoules: 0, cumulativeJoules: [])
        for record in records {
            for client in record.clients {
                let round = RoundRecord.ClientEnergy(
                    device: device, link: link, flops: client.flops, codecSeconds: client.energy.codecSeconds,
                    downloadBytes: client.bytesWritten, uploadBytes: client.bytesRead)
                energy.add(round)
            }
            energy.cumulativeJoules.append(energy.totalJoules)
        }
        return energy
    }

    /// A device-clock run's energy as its ledger charged it: each client line's own, plus the idle
    /// radios' tails of each round.
    static func federated(_ records: [RoundRecord]) -> FederatedEnergy {
        var energy = FederatedEnergy(computeJoules: 0, transferJoules: 0, overheadJoules: 0, cumulativeJoules: [])
        for record in records {
            for client in record.clients { energy.add(client.energy) }
            energy.overheadJoules += record.device?.idleRadioTailJoules ?? 0
            energy.cumulativeJoules.append(energy.totalJoules)
        }
        return energy
    }

    /// The link efficiency (bits per joule of transfer) at which both sides cost the same, holding
    /// compute and radio overheads fixed: `(B_fed - B_central) / (fixed_central - fixed_fed)`.
    /// Nil when one side is cheaper at every efficiency.
    public var breakEvenBitsPerJoule: Double? {
        let fixedFederated = federated.computeJoules + (federated.codecJoules ?? 0) + federated.overheadJoules
        let fixedCentralized = centralizedSamePasses.computeJoules + centralizedSamePasses.uploadOverheadJoules
        let efficiency = (federatedBits - centralizedBits) / (fixedCentralized - fixedFederated)
        return efficiency.isFinite && efficiency > 0 ? efficiency : nil
    }

    /// Which side is cheaper at link efficiencies above the break-even.
    public var cheaperAboveBreakEven: TrainingSide {
        federatedBits > centralizedBits ? .federated : .centralized
    }

    /// The verdict, computed from the numbers: which side is cheaper, by how much, and in what.
    public var verdict: String {
        let fed = federated.totalJoules
        let central = centralizedSamePasses.totalJoules
        let cheaper = cheaperSide(federated: fed, centralized: central)
        var text = String(
            format: "%@ training is %.1fx cheaper than %@ %@: %@ for federated against %@ for centralized "
                + "(%d epochs: the same sample passes). ",
            cheaper.side.rawValue.capitalized, cheaper.ratio, cheaper.side.other.rawValue, clients.verdictPhrase,
            joules(fed), joules(central), centralizedSamePasses.epochs)
        let codec = federated.codecJoules.map { String(format: ", %.0f%% codec work (encoding and decoding on the devices)", 100 * $0 / fed) } ?? ""
        text += String(
            format: "Federated energy is %.0f%% device compute%@ and %.0f%% radio (%@ of it promotion and tail states); "
                + "centralized is %@ of datacenter compute (the measured host under CodeCarbon's %@ rule, PUE %.2f) and %@ for the "
                + "devices to upload their raw data. ",
            100 * federated.computeJoules / fed, codec, 100 * federated.communicationJoules / fed, joules(federated.overheadJoules),
            joules(centralizedSamePasses.computeJoules), datacenterAccounting.chosen.rawValue, datacenter.pue.value,
            joules(centralizedSamePasses.communicationJoules))
        text += String(
            format: "On the %@ grid that is %.3f g against %.3f g CO2e.", grid.name, grid.grams(joules: fed), grid.grams(joules: central))
        return text
    }
}

extension FederatedEnergy {
    /// Adds one client round's energy; its codec work only where the ledger counted it.
    mutating func add(_ round: RoundRecord.ClientEnergy) {
        computeJoules += round.computeJoules
        if let codec = round.codecJoules { codecJoules = (codecJoules ?? 0) + codec }
        transferJoules += round.downlinkJoules + round.uplinkJoules
        overheadJoules += round.radioOverheadJoules
    }
}

/// `12.3 J`, `4.56 kJ` or `7.89 MJ`.
public func joules(_ value: Double) -> String {
    switch abs(value) {
    case 1e6...: return String(format: "%.2f MJ", value / 1e6)
    case 1e3...: return String(format: "%.2f kJ", value / 1e3)
    default: return String(format: "%.1f J", value)
    }
}
