import FedEnergy
import FedLedger

/// One client class of a device-clock run, summed over the ledger: the report's class table.
public struct ClientClassTotals: Sendable, Hashable {
    /// The class's name (the ledger's `deviceClass`).
    public var name: String
    /// The device and link its clients modelled.
    public var device: DeviceProfile
    public var link: LinkProfile
    /// Clients of the class the ledger shows (a client never selected is in no round's lines).
    public var clients: Int
    /// Client rounds: each round attempt that selected one of its clients counts once for that client.
    public var roundsSelected: Int
    /// Those client rounds by what became of the update.
    public var fates: [ClientFate: Int]
    /// Its clients' training energy.
    public var computeJoules: Double
    /// Its clients' encoding and decoding energy (0 where the ledger did not count it).
    public var codecJoules: Double
    /// Its clients' radio energy in their own lines (transfers, promotions, tails within their rounds).
    public var radioJoules: Double
    /// The energy (compute, codec work and radio) of those client rounds by what became of the update.
    public var joulesByFate: [ClientFate: Double]

    /// Compute, codec work and radio.
    public var totalJoules: Double { computeJoules + codecJoules + radioJoules }

    /// The energy of its client rounds whose update was not aggregated, compute, codec work and radio.
    public var wastedJoules: Double { joulesByFate.filter { $0.key != .aggregated }.values.reduce(0, +) }

    /// Every class in `records`, in the order the ledger first names them, with device and link
    /// profiles from `profiles`. Throws, naming the round and client, if a client line has no class
    /// or names a profile `profiles` lacks, or if one class's lines name different profiles.
    public static func classes(in records: [RoundRecord], profiles: EnergyProfiles) throws -> [ClientClassTotals] {
        var order: [String] = []
        var totals: [String: ClientClassTotals] = [:]
        var members: [String: Set<Int>] = [:]
        for record in records {
            let fates = ClientFate.fates(in: record)
            for line in record.clients {
                guard let name = line.deviceClass else {
                    throw ReportError.inconsistent("client \(line.client) in round \(record.round) has no device class, and the round ran on a device clock")
                }
                if totals[name] == nil {
                    order.append(name)
                    totals[name] = ClientClassTotals(
                        name: name, device: try profiles.device(line.device), link: try profiles.link(line.link), clients: 0, roundsSelected: 0,
                        fates: [:], computeJoules: 0, codecJoules: 0, radioJoules: 0, joulesByFate: [:])
                }
                guard totals[name]!.device.name == line.device, totals[name]!.link.name == line.link else {
                    throw ReportError.inconsistent(
                        "class \(name) is \(totals[name]!.device.name) on \(totals[name]!.link.name), but client \(line.client) of it "
                            + "is \(line.device) on \(line.link) in round \(record.round)")
                }
                let fate = fates[line.client, default: .otherwise]
                members[name, default: []].insert(line.client)
                totals[name]!.roundsSelected += 1
                totals[name]!.fates[fate, default: 0] += 1
                totals[name]!.computeJoules += line.energy.computeJoules
                totals[name]!.codecJoules += line.energy.codecJoules ?? 0
                totals[name]!.radioJoules += line.energy.communicationJoules
                totals[name]!.joulesByFate[fate, default: 0] += line.energy.totalJoules
            }
        }
        return order.map { name in
            var total = totals[name]!
            total.clients = members[name]!.count
            return total
        }
    }
}
