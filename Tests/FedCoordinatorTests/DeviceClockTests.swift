import FedCodec
import FedCoordinator
import FedEnergy
import FedFleet
import FedLedger
import FedWire
import Testing

/// Rounds on the device clock (a `--fleet`), through the state machine alone.
@Suite struct DeviceClockTests {
    /// Two Raspberry Pis, one on WiFi and one on LTE, every figure from the shipped profiles.
    func driver(deadline: Double?, rounds: Int = 1) throws -> MachineDriver {
        try MachineDriver(clients: 2, rounds: rounds) { configuration in
            let spec = FleetSpec(name: "two", classes: [
                .init(name: "pi-wifi", device: "rpi4", link: "wifi", count: 1), .init(name: "pi-lte", device: "rpi4", link: "lte", count: 1),
            ])
            configuration.fleet = try? Fleet(spec, profiles: configuration.profiles, clientCount: 2, seed: configuration.job.seed)
            configuration.deviceDeadlineSeconds = deadline
        }
    }

    /// Each client's round by hand: its RoundStart's bytes down at the link's rate (after a
    /// promotion on LTE), its counted FLOPs at 10 GFLOP/s, its Update's bytes up.
    @Test func aClientsUpdateArrivesWhenItsBytesAndFLOPsSay() throws {
        var driver = try driver(deadline: nil)
        let fleet = driver.configuration.fleet!
        for client in 0..<2 { try driver.join(client) }
        for client in 0..<2 { try driver.answer(client, moving: 0.1) }
        let record = try #require(driver.records.first)
        let flops = driver.job.localTrainingFLOPs(samples: try driver.job.shardSizes(trainingLabels: driver.job.dataset.loadLabels(.train))[0])
        for line in record.clients {
            let member = fleet.members[line.client]
            let link = member.link
            let down = Double(driver.openings[0].deliveries.first { $0.client == line.client }!.frame.readableBytes)
            let promotion = link.name == "lte" ? 0.2601 : 0
            let downloadEnd = promotion + down * 8 / (link.downMbps.value * 1e6)
            let trainingEnd = downloadEnd + Double(flops) / 1e10
            let timeline = try #require(line.timeline)
            #expect(line.deviceClass == member.className && line.link == link.name)
            #expect(abs(timeline.download.end - downloadEnd) < 1e-12)
            #expect(abs(timeline.training!.end - trainingEnd) < 1e-12)
            // The upload needs no promotion: the LTE radio is still in its tail after a moment of training.
            #expect(timeline.upload!.start == timeline.training!.end)
            #expect(timeline.upload!.end > timeline.upload!.start)
            #expect(line.energy.radioBursts == (link.name == "lte" ? 1 : 0))
        }
        // Everyone arrived: the round closes at the last arrival, and the LTE tail up to then is charged.
        let last = record.clients.compactMap { $0.timeline?.end }.max()!
        #expect(record.device?.interval == DeviceInterval(start: 0, end: last))
        #expect(record.completed == [0, 1] && record.dropped.isEmpty)
    }

    /// With a deadline shorter than the LTE promotion, the LTE client's update is a straggler: it
    /// is acknowledged and its energy recorded, but it is not aggregated, and the round closes at
    /// the deadline.
    @Test func anUpdatePastTheDeviceDeadlineIsAStragglerAndNotAggregated() throws {
        var driver = try driver(deadline: 0.1, rounds: 2)
        let initial = driver.machine.globalModel
        for client in 0..<2 { try driver.join(client) }
        let lte = driver.configuration.fleet!.members.firstIndex { $0.link.name == "lte" }!
        let wifi = 1 - lte
        try driver.answer(wifi, moving: 0.5)
        try driver.answer(lte, moving: 9)
        let record = driver.records[0]
        #expect(record.completed == [wifi])
        #expect(record.dropped == [RoundRecord.Dropped(client: lte, reason: .straggler)])
        #expect(driver.machine.globalModel == initial.map { $0 + 0.5 })
        #expect(driver.sent.filter { if case .ack = $0.message { true } else { false } }.count == 2)
        let straggler = record.clients.first { $0.client == lte }!
        #expect(straggler.flops > 0 && straggler.energy.computeJoules > 0 && straggler.timeline?.upload != nil)
        #expect(record.device?.interval == DeviceInterval(start: 0, end: 0.1) && record.device?.deadline == 0.1)
        // The next round starts where this one closed.
        for client in 0..<2 { try driver.answer(client, moving: 0.1) }
        #expect(driver.records[1].device?.interval.start == 0.1)
    }

    /// The LTE radio's tail after round 1 runs into round 2: charged to round 2 up to its close
    /// when the client sits it out, and never as more than one whole tail in all.
    @Test func aTailIsChargedForTheTimeItRuns() throws {
        var driver = try MachineDriver(clients: 2, rounds: 2) { configuration in
            let spec = FleetSpec(name: "lte", classes: [.init(name: "pi-lte", device: "rpi4", link: "lte", share: 1)])
            configuration.fleet = try? Fleet(spec, profiles: configuration.profiles, clientCount: 2, seed: configuration.job.seed)
            configuration.selection = .count(1)
        }
        for client in 0..<2 { try driver.join(client) }
        for round in 0..<2 {
            try driver.answer(driver.participants[round][0], moving: 0.1)
        }
        let tail = 1.060 * 11.576
        let records = driver.records
        let first = records[0].clients[0]
        let firstEnd = records[0].device!.interval.end
        // In round 1 the client's tail ran from its upload to the round's close, which is that upload.
        #expect(abs(first.energy.radioOverheadJoules - 1.2107 * 0.2601 - 1.060 * (first.timeline!.upload!.start - first.timeline!.download.end)) < 1e-9)
        #expect(firstEnd == first.timeline!.end)
        let round2 = records[1]
        let elapsed = round2.device!.interval.end - firstEnd
        if round2.selected == [first.client] {
            // Back in round 2 at once: no promotion, the tail cut short at the download.
            #expect(round2.clients[0].energy.radioBursts == 0)
        } else {
            #expect(abs(round2.device!.idleRadioTailJoules - min(tail, 1.060 * elapsed)) < 1e-9)
        }
    }
}
