import FedCodec
import FedEnergy
import FedLearning
import FedLedger

/// The verdict's two totals recomputed from a run's recorded quantities under other constants, so
/// the uncertainty analysis moves constants without training again (docs/ARCHITECTURE.md, "The
/// verdict's uncertainty").
///
/// Held fixed: the bytes, FLOPs and codec stage sizes the ledger counted, the baseline's measured
/// host work (up to `baselineHostTimeFactor`), and on a device clock the timeline as it ran: when
/// each transfer, decode, training and encode happened and which updates were aggregated. Moving a
/// device's FLOP/s scales its training and codec seconds and so their joules; moving a link's rate
/// scales the joules of its bytes; neither moves the timeline. Moving a tail or promotion timer
/// re-charges the tails and promotions between the transfers as they happened.
struct VerdictModel: Sendable {
    /// One client line, with the indices of its device and link in the profiles.
    private struct Line: Sendable {
        var device: Int
        var link: Int
        var energy: RoundRecord.ClientEnergy
        var flops: Int
        var downloadBytes: Int
        var uploadBytes: Int
        /// Stage sizes of the model it received and of its update (nil: no update).
        var modelStages: StageSizes
        var updateStages: StageSizes?
    }

    /// One radio's transfers over the run (device clock), in order: when each was asked for and ended.
    private struct Radio: Sendable {
        var link: Int
        var transfers: [(requested: Double, end: Double)]
    }

    private let central: EnergyProfiles
    private let job: FederatedJob
    private let lines: [Line]
    private let radios: [Radio]
    /// The ledger's radio overhead (lines and idle tails) on a device clock.
    private let recordedOverhead: Double
    /// Whether the last round's tails were charged to their end (the job completed its rounds).
    private let tailsRunOut: Bool
    private let deviceClock: Bool
    private let baseline: BaselineRecord
    private let datacenter: Int
    private let cpuMethod: CPUPowerMethod
    private let uploadLinks: [Int]

    /// The model of `comparison`'s run under its profiles; throws if a name the ledger or the
    /// baseline uses is missing from them.
    init(_ comparison: EnergyComparison) throws {
        let profiles = comparison.artifacts.profiles
        central = profiles
        job = comparison.artifacts.summary.job
        baseline = comparison.artifacts.baseline
        cpuMethod = comparison.datacenterAccounting.chosen
        func index<Profile>(_ name: String, in list: [Profile], kind: String, _ nameOf: (Profile) -> String) throws -> Int {
            guard let found = list.firstIndex(where: { nameOf($0) == name }) else { throw EnergyError.unknown(kind, name, list.map(nameOf)) }
            return found
        }
        datacenter = try index(comparison.datacenter.name, in: profiles.datacenters, kind: "datacenter", \.name)
        var lines: [Line] = []
        var transfers: [Int: Radio] = [:]
        for record in comparison.artifacts.records {
            for client in record.clients {
                let link = try index(client.link, in: profiles.links, kind: "link", \.name)
                lines.append(Line(
                    device: try index(client.device, in: profiles.devices, kind: "device", \.name), link: link, energy: client.energy,
                    flops: client.flops, downloadBytes: client.bytesWritten, uploadBytes: client.bytesRead,
                    modelStages: client.downlinkStages ?? record.downlinkStages, updateStages: client.uplinkStages))
                guard let timeline = client.timeline else { continue }
                transfers[client.client, default: Radio(link: link, transfers: [])].transfers.append((timeline.download.start, timeline.download.end))
                if let upload = timeline.upload { transfers[client.client]!.transfers.append((upload.start, upload.end)) }
            }
        }
        self.lines = lines
        radios = transfers.keys.sorted().map { transfers[$0]! }
        deviceClock = comparison.clients.deviceClock != nil
        recordedOverhead = comparison.federated.overheadJoules
        tailsRunOut = comparison.artifacts.records.last?.status == .completed
        let links = comparison.clients.deviceClock == nil
            ? Array(repeating: comparison.clients.links[0].name, count: baseline.rawUploadBytes.count) : (baseline.rawUploadLinks ?? [])
        uploadLinks = try links.map { try index($0, in: profiles.links, kind: "link", \.name) }
    }

    /// Federated and centralized joules under `profiles` (the run's with some constants moved).
    func totals(_ profiles: EnergyProfiles) -> (federated: Double, centralized: Double) {
        (federatedJoules(profiles), centralizedJoules(profiles))
    }

    /// Federated over centralized joules under `profiles`: below 1, federated is cheaper.
    func ratio(_ profiles: EnergyProfiles) -> Double {
        let totals = totals(profiles)
        return totals.federated / totals.centralized
    }

    /// The codec operations of a line under `work` (0 without an update or without codec work).
    private func codecOperations(_ line: Line, _ work: CodecWorkProfile?) -> Double {
        guard let work, let update = line.updateStages else { return 0 }
        return work.operations(job.downlinkCodec, sizes: line.modelStages, .decode) + work.operations(job.uplinkCodec, sizes: update, .encode)
    }

    /// A line's codec seconds under `profiles`: the ledger's, scaled by the operations and the FLOP/s.
    private func codecSeconds(_ line: Line, _ profiles: EnergyProfiles) -> Double? {
        guard let seconds = line.energy.codecSeconds else { return nil }
        let before = codecOperations(line, central.codecWork)
        let operations = before > 0 ? codecOperations(line, profiles.codecWork) / before : 1
        return seconds * operations * central.devices[line.device].sustainedFLOPS.value / profiles.devices[line.device].sustainedFLOPS.value
    }

    private func federatedJoules(_ profiles: EnergyProfiles) -> Double {
        var total = 0.0
        if !deviceClock {
            // Without a fleet the ledger's energy is a function of its counts: recompute it whole.
            for line in lines {
                total += RoundRecord.ClientEnergy(
                    device: profiles.devices[line.device], link: profiles.links[line.link], flops: line.flops,
                    codecSeconds: codecSeconds(line, profiles), downloadBytes: line.downloadBytes, uploadBytes: line.uploadBytes).totalJoules
            }
            return total
        }
        for line in lines {
            let (device, before) = (profiles.devices[line.device], central.devices[line.device])
            let speed = before.sustainedFLOPS.value / device.sustainedFLOPS.value
            let power = device.chargedWatts / before.chargedWatts
            total += line.energy.computeJoules * speed * power
            if let codec = line.energy.codecJoules, let seconds = line.energy.codecSeconds, let moved = codecSeconds(line, profiles), seconds > 0 {
                total += codec * moved / seconds * power
            }
            let (link, was) = (profiles.links[line.link], central.links[line.link])
            total += line.energy.downlinkJoules * link.transferJoules(bytes: 1, .down) / was.transferJoules(bytes: 1, .down)
            total += line.energy.uplinkJoules * link.transferJoules(bytes: 1, .up) / was.transferJoules(bytes: 1, .up)
        }
        return total + recordedOverhead + radioOverhead(profiles.links) - radioOverhead(central.links)
    }

    /// Promotions and tails of every radio on the run's timeline under `links`: a transfer asked
    /// for at least a tail timer after the last one ended (or the first) is promoted, where the link
    /// has a promotion; the tail runs until the next transfer or for the whole timer, and after the
    /// last transfer to its end when the job completed its rounds (as `DeviceWorld` charges them).
    func radioOverhead(_ links: [LinkProfile]) -> Double {
        var joules = 0.0
        for radio in radios {
            let link = links[radio.link]
            let (timer, tailWatts) = (link.tailSeconds.value, link.tailMilliwatts.value * 1e-3)
            var lastEnd: Double?
            for transfer in radio.transfers {
                let gap = lastEnd.map { transfer.requested - $0 }
                if let gap { joules += min(gap, timer) * tailWatts }
                if (gap.map { $0 >= timer } ?? true) && link.promotionSeconds.value > 0 { joules += link.promotionJoules }
                lastEnd = transfer.end
            }
            if tailsRunOut, lastEnd != nil { joules += timer * tailWatts }
        }
        return joules
    }

    private func centralizedJoules(_ profiles: EnergyProfiles) -> Double {
        let factor = (profiles.baselineHostTimeFactor?.value ?? 1) / (central.baselineHostTimeFactor?.value ?? 1)
        var work = baseline.hostWork(epochs: baseline.records.count)
        work.cpuSeconds *= factor
        work.wallSeconds = work.wallSeconds.map { $0 * factor }
        // The comparison already refused a method without the work it needs, so there is a figure.
        let compute = profiles.datacenters[datacenter].joules(work, method: cpuMethod) ?? 0
        let upload = zip(baseline.rawUploadBytes, uploadLinks).reduce(0.0) { $0 + profiles.links[$1.1].uploadEnergy(bytes: $1.0).totalJoules }
        return compute + upload
    }

    /// The ratio under each CPU method that has the work it needs, others at their central values.
    func ratioByMethod() -> [(method: CPUPowerMethod, ratio: Double)] {
        let federated = federatedJoules(central)
        let upload = centralizedJoules(central) - (central.datacenters[datacenter].joules(baseline.hostWork(epochs: baseline.records.count), method: cpuMethod) ?? 0)
        return CPUPowerMethod.allCases.compactMap { method in
            central.datacenters[datacenter].joules(baseline.hostWork(epochs: baseline.records.count), method: method).map {
                (method, federated / ($0 + upload))
            }
        }
    }
}
