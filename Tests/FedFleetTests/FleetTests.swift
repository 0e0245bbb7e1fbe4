import FedEnergy
import FedFleet
import Testing

@Suite struct FleetTests {
    let profiles: EnergyProfiles
    init() throws { profiles = try EnergyProfiles.shipped() }

    @Test(arguments: [("rpi4-wifi", ["rpi4-wifi": 10]), ("phones-lte-wifi", ["phone-lte": 6, "phone-wifi": 4]),
                      ("mixed", ["phone-lte": 4, "rpi4-wifi": 4, "jetson-nano-wifi": 2])])
    func theShippedFleetsResolveToTheirShares(name: String, counts: [String: Int]) throws {
        let fleet = try Fleet(FleetSpec.load(name), profiles: profiles, clientCount: 10, seed: 1)
        #expect(Dictionary(grouping: fleet.members, by: \.className).mapValues(\.count) == counts)
    }

    @Test func classesAndSpeedsComeFromTheSeedAndTheId() throws {
        let spec = try FleetSpec.load("mixed")
        let once = try Fleet(spec, profiles: profiles, clientCount: 20, seed: 7)
        let again = try Fleet(spec, profiles: profiles, clientCount: 20, seed: 7)
        let other = try Fleet(spec, profiles: profiles, clientCount: 20, seed: 8)
        #expect(once.members == again.members)
        #expect(once.members.map(\.className) != other.members.map(\.className))
        // Speeds spread around the device's figure: log-normal, so never negative, and not all alike.
        #expect(once.members.allSatisfy { $0.speedFactor > 0 })
        #expect(Set(once.members.map(\.speedFactor)).count > 10)
        // A client's compute time is the device's, divided by its speed.
        let member = once.members[0]
        #expect(member.computeSeconds(flops: 1_000_000_000) == member.device.computeSeconds(flops: 1_000_000_000) / member.speedFactor)
    }

    @Test func theUniformFleetIsDeviceAndLinkAsBefore() throws {
        let fleet = try Fleet(.uniform(device: "jetson-nano", link: "lte"), profiles: profiles, clientCount: 3, seed: 1)
        #expect(fleet.members.map(\.device.name) == ["jetson-nano", "jetson-nano", "jetson-nano"])
        #expect(fleet.members.allSatisfy { $0.link.name == "lte" && $0.speedFactor == 1 && $0.availability == .always })
    }

    @Test(arguments: [
        (FleetSpec(name: "empty", classes: []), "has no classes"),
        (FleetSpec(name: "toaster", classes: [.init(name: "a", device: "toaster", link: "wifi", share: 1)]), "class \"a\": unknown device"),
        (FleetSpec(name: "short", classes: [.init(name: "a", device: "rpi4", link: "wifi", share: 0.9)]), "add up to 0.9, not 1"),
        (FleetSpec(name: "negative", classes: [
            .init(name: "a", device: "rpi4", link: "wifi", count: -1), .init(name: "b", device: "rpi4", link: "lte", count: 5),
        ]), "class \"a\": count -1 is negative"),
        (FleetSpec(name: "counts", classes: [.init(name: "a", device: "rpi4", link: "wifi", count: 3)]), "add up to 3, and the job has 4"),
        (FleetSpec(name: "both", classes: [.init(name: "a", device: "rpi4", link: "wifi", share: 1, count: 4)]), "not both"),
        (FleetSpec(name: "odds", classes: [
            .init(name: "a", device: "rpi4", link: "wifi", share: 1, availability: .probability(1.5)),
        ]), "class \"a\": availability probability 1.5"),
        (FleetSpec(name: "slow", classes: [.init(name: "a", device: "rpi4", link: "wifi", share: 1, speedSpread: -1)]), "speedSpread -1"),
    ])
    func aBadFleetIsRefusedNamingWhatIsWrong(spec: FleetSpec, message: String) {
        #expect {
            try Fleet(spec, profiles: profiles, clientCount: 4, seed: 1)
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func anUnknownFleetNameOrAMalformedFileIsRefused() {
        #expect(throws: FleetError.notFound("no-such-fleet")) { try FleetSpec.load("no-such-fleet") }
    }

    @Test func probabilityAvailabilityIsSeededPerClientAndRound() throws {
        let spec = FleetSpec(name: "coin", classes: [.init(name: "a", device: "rpi4", link: "wifi", share: 1, availability: .probability(0.5))])
        let fleet = try Fleet(spec, profiles: profiles, clientCount: 50, seed: 3)
        let online = (1...40).flatMap { round in (0..<50).map { fleet.isOnline($0, round: round, at: 0) } }
        let fraction = Double(online.filter { $0 }.count) / Double(online.count)
        #expect(abs(fraction - 0.5) < 0.05, "online in \(fraction) of client-rounds")
        #expect(online == (1...40).flatMap { round in (0..<50).map { fleet.isOnline($0, round: round, at: 0) } })
    }

    @Test func diurnalClientsAreOnlineForTheirWindowOfEachDay() throws {
        let spec = FleetSpec(name: "day", classes: [
            .init(name: "a", device: "rpi4", link: "wifi", share: 1, availability: .diurnal(onlineHours: 6, dayHours: 24)),
        ])
        let fleet = try Fleet(spec, profiles: profiles, clientCount: 8, seed: 2)
        for client in 0..<8 {
            // Sampled every device minute over two days: online a quarter of the time, in one window a day.
            let minutes = (0..<(2 * 24 * 60)).map { fleet.isOnline(client, round: 1, at: Double($0) * 60) }
            #expect(abs(Double(minutes.filter { $0 }.count) / Double(minutes.count) - 0.25) < 0.01)
            let starts = zip(minutes, minutes.dropFirst()).filter { !$0 && $1 }.count
            #expect(starts <= 2)
            // Where a window ends, the client is offline a moment later.
            if let start = minutes.firstIndex(of: true), let end = fleet.offlineTime(client, after: Double(start) * 60, before: 1e9) {
                #expect(!fleet.isOnline(client, round: 1, at: end + 1) && fleet.isOnline(client, round: 1, at: end - 1))
            }
        }
    }
}
