import FedEnergy
import FedLedger
import Foundation

/// The federated run's energy under one link profile, recomputed from the ledger's counted FLOPs
/// and socket bytes.
public struct FederatedEnergy: Sendable, Codable, Hashable {
    /// Devices' training energy (the same under every link).
    public var computeJoules: Double
    /// Bytes moved both ways, at the link's transfer power.
    public var transferJoules: Double
    /// Promotion and tail states, once per radio burst.
    public var overheadJoules: Double
    /// Total energy after each round attempt, in ledger order.
    public var cumulativeJoules: [Double]

    public var communicationJoules: Double { transferJoules + overheadJoules }
    public var totalJoules: Double { computeJoules + communicationJoules }
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
    /// Devices uploading their zlib-compressed raw shards, at the link's transfer power.
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
    /// The link the clients declared (the ledger's), and the device.
    public var link: LinkProfile
    public var device: DeviceProfile
    public var datacenter: DatacenterProfile
    public var grid: GridProfile
    /// The centralized compute of the same sample passes under every method, the measurement and the GPU model.
    public var datacenterAccounting: DatacenterAccounting
    /// The centralized host compute after each baseline epoch, under the chosen method (cumulative).
    public var centralizedComputeByEpoch: [Double]
    /// The federated compute charged on the device's other power basis (the verdict uses its own).
    public var federatedComputeOnOtherBasis: (basis: ComputePowerBasis, joules: Double)
    /// Under the job's own link: equal to the ledger's totals.
    public var federated: FederatedEnergy
    /// The baseline over the same number of sample passes as the federated run.
    public var centralizedSamePasses: CentralizedEnergy
    /// The baseline until it first reached the federated final accuracy (nil: not within its epochs).
    public var centralizedToTarget: CentralizedEnergy?
    /// Every link profile, for the stacked chart and the sensitivity table.
    public var perLink: [(link: LinkProfile, federated: FederatedEnergy, centralized: CentralizedEnergy)]
    /// Bits the federated run moved (both ways) and the centralized baseline would upload.
    public var federatedBits: Double
    public var centralizedBits: Double
    /// The wider network's energy for each side's bytes, from the low to the high intensity of the
    /// profiles (nil when they give none). Outside the totals and the verdict: that energy is
    /// mostly baseline, not per byte.
    public var widerNetwork: (federated: ClosedRange<Double>, centralized: ClosedRange<Double>)?

    /// Compares the run in `artifacts` under the named datacenter and CPU method (the grid is the run's).
    public init(artifacts: RunArtifacts, datacenter: String = "average", cpuMethod: CPUPowerMethod = .default) throws {
        self.artifacts = artifacts
        let profiles = artifacts.profiles
        guard let first = artifacts.records.first?.clients.first else { throw ReportError.inconsistent("the ledger has no rounds") }
        guard Self.compares(artifacts.records) else {
            throw ReportError.inconsistent("the ledger ran on a device clock (--fleet); the report does not compare such runs yet")
        }
        guard artifacts.records.allSatisfy({ $0.clients.allSatisfy { $0.device == first.device && $0.link == first.link } }) else {
            throw ReportError.inconsistent("clients declared different devices or links; the report compares one of each")
        }
        guard !artifacts.baseline.records.isEmpty else { throw ReportError.inconsistent("the centralized baseline has no epochs") }
        device = try profiles.device(first.device)
        link = try profiles.link(first.link)
        self.datacenter = try profiles.datacenter(datacenter)
        grid = try profiles.grid(artifacts.summary.grid)
        let target = artifacts.summary.finalAccuracy
        let baseline = artifacts.baseline
        let reached = baseline.records.firstIndex { $0.testAccuracy >= target }
        let (dc, jobLink) = (self.datacenter, link)
        let records = artifacts.records
        let chosenDevice = device
        datacenterAccounting = DatacenterAccounting(
            baseline: baseline, epochs: baseline.records.count, datacenter: dc, gpus: profiles.gpus, chosen: cpuMethod)
        centralizedComputeByEpoch = try baseline.records.indices.map {
            try Self.computeJoules(baseline, epochs: $0 + 1, datacenter: dc, method: cpuMethod)
        }
        perLink = try profiles.links.map {
            ($0, Self.federated(records, device: chosenDevice, link: $0),
             try Self.centralized(baseline, epochs: baseline.records.count, link: $0, datacenter: dc, method: cpuMethod))
        }
        // The job's own link is one of the profiles' links: its entry is the comparison.
        guard let jobEntry = perLink.first(where: { $0.link.name == jobLink.name }) else {
            throw ReportError.inconsistent("link \(jobLink.name) is not among the profiles' links")
        }
        (federated, centralizedSamePasses) = (jobEntry.federated, jobEntry.centralized)
        centralizedToTarget = try reached.map { try Self.centralized(baseline, epochs: $0 + 1, link: jobLink, datacenter: dc, method: cpuMethod) }
        let otherBasis: ComputePowerBasis = device.basis == .wholeBoard ? .marginal : .wholeBoard
        federatedComputeOnOtherBasis = (
            otherBasis, device.computeJoules(flops: records.flatMap(\.clients).reduce(0) { $0 + $1.flops }, basis: otherBasis)
        )
        let federatedBytes = records.flatMap(\.clients).reduce(0) { $0 + $1.bytesRead + $1.bytesWritten }
        let centralizedBytes = baseline.rawUploadBytes.reduce(0, +)
        (federatedBits, centralizedBits) = (Double(federatedBytes) * 8, Double(centralizedBytes) * 8)
        widerNetwork = profiles.widerNetwork.map { ($0.joules(bytes: federatedBytes), $0.joules(bytes: centralizedBytes)) }
    }

    /// Whether the report can compare a run with these records: not one on a device clock
    /// (`--fleet`), whose radio the per-burst recomputation on one link would not follow.
    public static func compares(_ records: [RoundRecord]) -> Bool {
        !records.contains { $0.device != nil }
    }

    /// The host compute of the baseline's first `epochs` epochs in `datacenter` under `method`.
    static func computeJoules(_ baseline: BaselineRecord, epochs: Int, datacenter: DatacenterProfile, method: CPUPowerMethod) throws -> Double {
        guard let joules = datacenter.joules(baseline.hostWork(epochs: epochs), method: method) else {
            throw ReportError.inconsistent("the CPU method \(method.rawValue) needs the machine load, which this baseline did not record")
        }
        return joules
    }

    /// The baseline's first `epochs` epochs under `link`, `datacenter` and `method`.
    static func centralized(
        _ baseline: BaselineRecord, epochs: Int, link: LinkProfile, datacenter: DatacenterProfile, method: CPUPowerMethod
    ) throws -> CentralizedEnergy {
        let record = baseline.records[epochs - 1]
        let uploads = baseline.rawUploadBytes.map { link.uploadEnergy(bytes: $0) }
        return CentralizedEnergy(
            epochs: epochs, accuracy: record.testAccuracy, cpuSeconds: record.cpuSeconds,
            computeJoules: try computeJoules(baseline, epochs: epochs, datacenter: datacenter, method: method),
            uploadTransferJoules: uploads.reduce(0) { $0 + $1.uplinkJoules },
            uploadOverheadJoules: uploads.reduce(0) { $0 + $1.overheadJoules })
    }

    /// The federated run's energy recomputed under `link`.
    static func federated(_ records: [RoundRecord], device: DeviceProfile, link: LinkProfile) -> FederatedEnergy {
        var energy = FederatedEnergy(computeJoules: 0, transferJoules: 0, overheadJoules: 0, cumulativeJoules: [])
        for record in records {
            for client in record.clients {
                let round = RoundRecord.ClientEnergy(
                    device: device, link: link, flops: client.flops, downloadBytes: client.bytesWritten, uploadBytes: client.bytesRead)
                energy.computeJoules += round.computeJoules
                energy.transferJoules += round.downlinkJoules + round.uplinkJoules
                energy.overheadJoules += round.radioOverheadJoules
            }
            energy.cumulativeJoules.append(energy.totalJoules)
        }
        return energy
    }

    /// The link efficiency (bits per joule of transfer) at which both sides cost the same, holding
    /// compute and radio overheads fixed: `(B_fed - B_central) / (fixed_central - fixed_fed)`.
    /// Nil when one side is cheaper at every efficiency.
    public var breakEvenBitsPerJoule: Double? {
        let fixedFederated = federated.computeJoules + federated.overheadJoules
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
            format: "%@ training is %.1fx cheaper than %@ on %@ with %@ devices: %@ for federated against %@ for centralized "
                + "(%d epochs: the same sample passes). ",
            cheaper.side.rawValue.capitalized, cheaper.ratio, cheaper.side.other.rawValue, link.name, device.name,
            joules(fed), joules(central), centralizedSamePasses.epochs)
        text += String(
            format: "Federated energy is %.0f%% device compute and %.0f%% radio (%@ of it promotion and tail states); "
                + "centralized is %@ of datacenter compute (the measured host under CodeCarbon's %@ rule, PUE %.2f) and %@ for the "
                + "devices to upload their raw data. ",
            100 * federated.computeJoules / fed, 100 * federated.communicationJoules / fed, joules(federated.overheadJoules),
            joules(centralizedSamePasses.computeJoules), datacenterAccounting.chosen.rawValue, datacenter.pue.value,
            joules(centralizedSamePasses.communicationJoules))
        text += String(
            format: "On the %@ grid that is %.3f g against %.3f g CO2e.", grid.name, grid.grams(joules: fed), grid.grams(joules: central))
        return text
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
