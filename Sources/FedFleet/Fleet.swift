import FedData
import FedEnergy
import Foundation

/// A fleet resolved for one job: every client's class, profiles, speed and availability, drawn
/// deterministically from the job's seed and the client's id.
public struct Fleet: Sendable, Hashable {
    /// One client as the fleet makes it.
    public struct Member: Sendable, Hashable {
        /// Its class's name.
        public var className: String
        /// The device it models.
        public var device: DeviceProfile
        /// The link it models.
        public var link: LinkProfile
        /// Its compute speed relative to the device's sustained FLOP/s.
        public var speedFactor: Double
        /// When it is online.
        public var availability: Availability
        /// Where a window of its diurnal availability starts, as a fraction of the day.
        var phase: Double
        /// Its class's trace, with trace availability.
        var trace: AvailabilityTrace?

        /// Device seconds to compute `flops`.
        public func computeSeconds(flops: Int) -> Double {
            device.computeSeconds(flops: flops) / speedFactor
        }

        /// Device seconds to run `operations` of codec work (counted as FLOPs, at the same speed).
        public func codecSeconds(operations: Double) -> Double {
            device.seconds(operations: operations) / speedFactor
        }
    }

    /// The file's description.
    public let spec: FleetSpec
    /// The clients, by id.
    public let members: [Member]
    private let seed: UInt64

    /// Resolves `spec` for `clientCount` clients under `profiles`; throws, naming the class and
    /// field, if the fleet breaks a rule (an unknown profile, shares not summing to 1, a negative or
    /// mismatched count, an empty fleet, an availability out of range).
    public init(_ spec: FleetSpec, profiles: EnergyProfiles, clientCount: Int, seed: UInt64) throws {
        guard !spec.classes.isEmpty else { throw FleetError.invalid("fleet \"\(spec.name)\" has no classes") }
        let counts = try Self.counts(of: spec, clientCount: clientCount)
        var order = Array(0..<clientCount)
        var shuffling = SeededGenerator(seed: seed, stream: 0xF1EE7)
        order.shuffle(using: &shuffling)
        var members = [Member?](repeating: nil, count: clientCount)
        var next = 0
        for (clientClass, count) in zip(spec.classes, counts) {
            let owner = "class \"\(clientClass.name)\""
            let device: DeviceProfile
            let link: LinkProfile
            do {
                device = try profiles.device(clientClass.device)
                link = try profiles.link(clientClass.link)
            } catch {
                throw FleetError.invalid("\(owner): \(error)")
            }
            let spread = clientClass.speedSpread ?? 0
            guard spread >= 0, spread.isFinite else { throw FleetError.invalid("\(owner): speedSpread \(spread) must be 0 or more") }
            let availability = clientClass.availability ?? .always
            try availability.validate(owner: owner)
            let trace = try { () throws -> AvailabilityTrace? in
                guard case .trace(let path) = availability else { return nil }
                return try AvailabilityTrace(path: path)
            }()
            for id in order[next..<(next + count)] {
                var draws = SeededGenerator(seed: seed &+ UInt64(id), stream: 0x5BEED)
                members[id] = Member(
                    className: clientClass.name, device: device, link: link, speedFactor: exp(spread * draws.nextNormal()),
                    availability: availability, phase: draws.nextUnit(), trace: trace)
            }
            next += count
        }
        self.spec = spec
        self.members = members.map { $0! }
        self.seed = seed
    }

    /// Each class's client count: its count, or its share of `clientCount` by largest remainder.
    private static func counts(of spec: FleetSpec, clientCount: Int) throws -> [Int] {
        let byCount = spec.classes.allSatisfy { $0.count != nil && $0.share == nil }
        let byShare = spec.classes.allSatisfy { $0.share != nil && $0.count == nil }
        guard byCount || byShare else {
            throw FleetError.invalid("give every class a share, or every class a count, not both and not neither")
        }
        if byCount {
            for clientClass in spec.classes where clientClass.count! < 0 {
                throw FleetError.invalid("class \"\(clientClass.name)\": count \(clientClass.count!) is negative")
            }
            let total = spec.classes.reduce(0) { $0 + $1.count! }
            guard total == clientCount else {
                throw FleetError.invalid("the classes' counts add up to \(total), and the job has \(clientCount) clients")
            }
            return spec.classes.map { $0.count! }
        }
        for clientClass in spec.classes where !(clientClass.share! >= 0 && clientClass.share! <= 1) {
            throw FleetError.invalid("class \"\(clientClass.name)\": share \(clientClass.share!) is not in [0, 1]")
        }
        let total = spec.classes.reduce(0) { $0 + $1.share! }
        guard abs(total - 1) < 1e-6 else { throw FleetError.invalid("the classes' shares add up to \(total), not 1") }
        let exact = spec.classes.map { $0.share! * Double(clientCount) }
        var counts = exact.map { Int($0.rounded(.down)) }
        let byRemainder = exact.indices.sorted { (exact[$0] - Double(counts[$0]), -$0) > (exact[$1] - Double(counts[$1]), -$1) }
        for index in byRemainder.prefix(clientCount - counts.reduce(0, +)) { counts[index] += 1 }
        return counts
    }

    /// Whether `client` is online at device second `time`, when a round attempt selects its
    /// clients: `step` counts the times the selection already found nobody online and let device
    /// time pass (a client online with a probability is drawn anew for each round, attempt and step).
    public func isOnline(_ client: Int, round: Int, attempt: Int = 1, step: Int = 0, at time: Double) -> Bool {
        switch members[client].availability {
        case .always:
            return true
        case .probability(let probability):
            let moment = UInt64(round) &* 1_000_003 &+ UInt64(attempt) &* 10_007 &+ UInt64(step)
            var draw = SeededGenerator(seed: seed &+ UInt64(client) &* 0x9E37_79B9 &+ moment, stream: 0x0A1)
            return draw.nextUnit() < probability
        case .diurnal(let online, _):
            return dayHour(client, at: time) < online
        case .trace:
            return members[client].trace?.interval(of: client, at: time) != nil
        }
    }

    /// The device second at which `client`'s online window ends, if it is online at `time` and the
    /// window ends before `horizon` (nil otherwise): a diurnal or traced client drops out of a round there.
    public func offlineTime(_ client: Int, after time: Double, before horizon: Double) -> Double? {
        if case .trace = members[client].availability {
            guard let end = members[client].trace?.interval(of: client, at: time)?.end, end < horizon else { return nil }
            return end
        }
        guard case .diurnal(let online, _) = members[client].availability else { return nil }
        let hour = dayHour(client, at: time)
        guard hour < online else { return nil }
        let end = time + (online - hour) * 3600
        return end < horizon ? end : nil
    }

    /// The hour of `client`'s own device day at `time` (its window opens at hour 0).
    private func dayHour(_ client: Int, at time: Double) -> Double {
        guard case .diurnal(_, let day) = members[client].availability else { return 0 }
        return (time / 3600 + members[client].phase * day).truncatingRemainder(dividingBy: day)
    }
}
