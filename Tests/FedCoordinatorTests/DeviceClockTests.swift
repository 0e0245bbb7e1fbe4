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
            let trainingEnd = downloadEnd + Double(flops) / 5.9e9
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
        // The summary counts the straggler's energy as wasted, and the device time to the last round.
        let summary = driver.machine.summary(connectionBytes: [])
        let wasted = driver.records.flatMap { record in
            record.clients.filter { line in record.dropped.contains { $0.client == line.client } }
        }.reduce(0) { $0 + $1.energy.computeJoules + $1.energy.communicationJoules }
        #expect(abs((summary.wastedJoules ?? 0) - wasted) < 1e-9 && wasted > 0)
        #expect(summary.deviceSeconds == driver.records[1].device?.interval.end)
    }

    /// The LTE radio's tail after round 1 runs into round 2: charged to round 2 up to its close
    /// when the client sits it out, and never as more than one whole tail in all. After the last
    /// round every tail runs out, and the last round carries them.
    @Test func aTailIsChargedForTheTimeItRuns() throws {
        var driver = try MachineDriver(clients: 2, rounds: 3) { configuration in
            let spec = FleetSpec(name: "lte", classes: [.init(name: "pi-lte", device: "rpi4", link: "lte", share: 1)])
            configuration.fleet = try? Fleet(spec, profiles: configuration.profiles, clientCount: 2, seed: configuration.job.seed)
            configuration.selection = .count(1)
        }
        for client in 0..<2 { try driver.join(client) }
        for round in 0..<3 {
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
        // Over the whole job each radio's tails add up to one whole tail per transfer burst that ended
        // in idleness, the last one included: no radio is left with a tail unpaid.
        let last = records[2]
        let lastTails = last.clients.map { $0.energy.radioOverheadJoules }.reduce(0, +) + last.device!.idleRadioTailJoules
        #expect(lastTails >= tail - 1e-9, "the last round did not carry the tails that run out after the job")
    }

    /// A job that ends early at `--stop-at-accuracy` charges every radio's remaining tail to its
    /// last round, as a job that runs all its rounds does.
    @Test func aJobStoppedAtItsTargetCarriesTheTailsToItsLastRound() throws {
        var driver = try MachineDriver(clients: 2, rounds: 5) { configuration in
            let spec = FleetSpec(name: "lte", classes: [.init(name: "pi-lte", device: "rpi4", link: "lte", share: 1)])
            configuration.fleet = try? Fleet(spec, profiles: configuration.profiles, clientCount: 2, seed: configuration.job.seed)
            configuration.stopAtAccuracy = 1e-9
        }
        for client in 0..<2 { try driver.join(client) }
        for client in 0..<2 { try driver.answer(client, moving: 0.1) }
        #expect(driver.records.count == 1 && driver.finished != nil)
        // Each client's round: its promotion, and a whole tail after its upload (one transfer ends the job).
        for line in driver.records[0].clients {
            #expect(abs(line.energy.radioOverheadJoules - 1.2107 * 0.2601 - 1.060 * (line.timeline!.upload!.start - line.timeline!.download.end) - 1.060 * 11.576) < 1e-9)
        }
    }

    /// A job resumed from its checkpoint after round 1 finds each radio where round 1 left it: the
    /// LTE radios, still in their tails, take round 2 without a promotion, and every round after the
    /// resume costs what it cost in the job that never stopped.
    @Test func aResumedJobsRadiosCarryOnFromTheLedger() throws {
        func lteDriver() throws -> MachineDriver {
            try MachineDriver(clients: 2, rounds: 3) { configuration in
                let spec = FleetSpec(name: "lte", classes: [.init(name: "pi-lte", device: "rpi4", link: "lte", share: 1)])
                configuration.fleet = try? Fleet(spec, profiles: configuration.profiles, clientCount: 2, seed: configuration.job.seed)
            }
        }
        func play(_ driver: inout MachineDriver, rounds: ClosedRange<Int>) throws {
            for round in rounds {
                for client in 0..<2 { try driver.answer(client, moving: Float(round) * 0.1) }
            }
        }
        var whole = try lteDriver()
        for client in 0..<2 { try whole.join(client) }
        try play(&whole, rounds: 1...3)
        var resumed = try lteDriver()
        for client in 0..<2 { try resumed.join(client) }
        try play(&resumed, rounds: 1...1)
        resumed.machine = try MachineDriver.machine(
            resumed.configuration, clock: resumed.clock, resumingFrom: resumed.checkpoints[0], records: Array(resumed.records.prefix(1)))
        for client in 0..<2 { try resumed.join(client) }
        try play(&resumed, rounds: 2...3)
        #expect(resumed.records.count == 3)
        #expect(resumed.records[1].clients.map(\.energy.radioBursts) == [0, 0])
        for (after, never) in zip(resumed.records.dropFirst(), whole.records.dropFirst()) {
            #expect(after.device == never.device)
            #expect(after.clients.map(\.energy) == never.clients.map(\.energy))
            #expect(after.clients.map(\.timeline) == never.clients.map(\.timeline))
        }
    }
}

/// Availability through the state machine: only clients online at a round's device start are
/// selected, and when none is, device time moves on until one is.
@Suite struct AvailabilityTests {
    func driver(_ availability: Availability, clients: Int, rounds: Int) throws -> MachineDriver {
        try MachineDriver(clients: clients, rounds: rounds) { configuration in
            let spec = FleetSpec(name: "a", classes: [.init(name: "pi", device: "rpi4", link: "wifi", share: 1, availability: availability)])
            configuration.fleet = try? Fleet(spec, profiles: configuration.profiles, clientCount: clients, seed: configuration.job.seed)
            configuration.minCompletion = 1
        }
    }

    @Test func onlyClientsOnlineThisRoundAreSelected() throws {
        var driver = try driver(.probability(0.5), clients: 8, rounds: 6)
        let fleet = driver.configuration.fleet!
        for client in 0..<8 { try driver.join(client) }
        for round in 1...6 {
            // Rounds follow one another on the device clock (nobody-online waits aside, none here).
            let start = driver.records.last?.device?.interval.end ?? 0
            let online = (0..<8).filter { fleet.isOnline($0, round: round, attempt: 1, at: start) }
            #expect(driver.participants[round - 1] == online)
            for client in driver.participants[round - 1] { try driver.answer(client, moving: 0.01) }
        }
        let sizes = Set(driver.participants.map(\.count))
        #expect(sizes.count > 1 && !sizes.contains(8), "every round selected the same number: \(sizes)")
    }

    @Test func whenNobodyIsOnlineDeviceTimeMovesOnToTheirWindow() throws {
        var driver = try driver(.diurnal(onlineHours: 2, dayHours: 24), clients: 3, rounds: 2)
        let fleet = driver.configuration.fleet!
        for client in 0..<3 { try driver.join(client) }
        for client in driver.participants[0] { try driver.answer(client, moving: 0.01) }
        let start = try #require(driver.records.first?.device?.interval.start)
        let asked = driver.participants[0]
        #expect(!asked.isEmpty && asked.allSatisfy { fleet.isOnline($0, round: 1, at: start) })
        // The clock waited in steps of a device minute, and no earlier step found anyone online.
        #expect(start.truncatingRemainder(dividingBy: RoundStateMachine.offlineWait) == 0)
        if start > 0 {
            #expect((0..<3).allSatisfy { !fleet.isOnline($0, round: 1, at: start - RoundStateMachine.offlineWait) })
        }
    }
}

/// Over-selection (Bonawitz et al. 2019): ask more clients than the round needs and keep the
/// first updates to arrive in device time.
@Suite struct OverSelectionTests {
    @Test func theRoundClosesAtTheKthArrivalAndTheRestAreNotNeeded() throws {
        var driver = try MachineDriver(clients: 6, rounds: 1) { configuration in
            let spec = FleetSpec(name: "spread", classes: [.init(name: "pi", device: "rpi4", link: "wifi", share: 1, speedSpread: 1)])
            configuration.fleet = try? Fleet(spec, profiles: configuration.profiles, clientCount: 6, seed: configuration.job.seed)
            configuration.selection = .count(2)
            configuration.overSelection = 1.5  // ceil(1.5 x 2) = 3 asked
        }
        let initial = driver.machine.globalModel
        for client in 0..<6 { try driver.join(client) }
        let asked = driver.participants[0]
        #expect(asked.count == 3)
        for (client, value) in zip(asked, [Float(1), 2, 4]) { try driver.answer(client, moving: value) }
        let record = driver.records[0]
        let arrival = Dictionary(uniqueKeysWithValues: record.clients.map { ($0.client, $0.timeline!.end) })
        let byArrival = asked.sorted { arrival[$0]! < arrival[$1]! }
        #expect(record.completed == byArrival.prefix(2).sorted())
        #expect(record.dropped == [RoundRecord.Dropped(client: byArrival[2], reason: .notNeeded)])
        #expect(record.device?.interval.end == arrival[byArrival[1]])
        // The model moved by the mean of the two first arrivals' deltas, the slowest one's left out.
        let value = Dictionary(uniqueKeysWithValues: zip(asked, [Float(1), 2, 4]))
        let mean = (value[byArrival[0]]! + value[byArrival[1]]!) / 2
        #expect(zip(driver.machine.globalModel, initial).allSatisfy { abs($0 - $1 - mean) < 1e-6 })
        // The unneeded client's energy was spent all the same.
        #expect(record.clients.first { $0.client == byArrival[2] }!.energy.computeJoules > 0)
    }
}

/// `--straggler-policy partial` (FedProx's variable amount of work): a client whose whole local
/// work would miss the device-time deadline is told how many minibatch steps fit, and its update
/// of that work is aggregated, weighted by the samples it reached.
@Suite struct PartialWorkTests {
    /// Two Raspberry Pis on WiFi, each with 60 samples in batches of 8 (8 steps an epoch), and a
    /// deadline that leaves room for the download, the upload and 3.5 steps of training.
    func driver(_ policy: StragglerPolicy) throws -> MachineDriver {
        try MachineDriver(clients: 2, rounds: 1) { configuration in
            let spec = FleetSpec(name: "pis", classes: [.init(name: "pi", device: "rpi4", link: "wifi", share: 1)])
            let fleet = try? Fleet(spec, profiles: configuration.profiles, clientCount: 2, seed: configuration.job.seed)
            configuration.fleet = fleet
            configuration.stragglerPolicy = policy
            let job = configuration.job
            let member = fleet!.members[0]
            let parameters = [Float](repeating: 0, count: job.model.parameterCount)
            // Sizes by hand: a RoundStart and a dense Update of the 51-parameter model, as framed.
            let down = Message.roundStart(RoundStart(round: 1, localEpochs: 1, deadlineMilliseconds: 0, learningRate: 0.1, models: [TensorCodec.encode(parameters)]))
            let up = Message.update(Update(round: 1, sampleCount: 1, trainLoss: 0, flops: 0, cpuSeconds: 0, delta: TensorCodec.encode(parameters)))
            let step = member.computeSeconds(flops: job.trainingFLOPs(job.localWork(samples: 8, stepLimit: 1)))
            configuration.deviceDeadlineSeconds = member.link.transferSeconds(bytes: down.encodedFrame().readableBytes, .down)
                + member.link.transferSeconds(bytes: up.encodedFrame().readableBytes, .up) + 3.5 * step
        }
    }

    @Test func eachClientIsToldTheStepsThatFitAndItsPartialUpdateIsAggregated() throws {
        var driver = try driver(.partial)
        let initial = driver.machine.globalModel
        for client in 0..<2 { try driver.join(client) }
        #expect(driver.roundStarts.mapValues(\.stepLimit) == [0: 3, 1: 3])
        try driver.answer(0, moving: 1, stepLimit: 3)
        try driver.answer(1, moving: 3, stepLimit: 3)
        let record = try #require(driver.records.first)
        #expect(record.completed == [0, 1] && record.dropped.isEmpty)
        // 3 steps of 8 reach 24 of the 60 samples: 24 each, so the mean of the two deltas.
        #expect(record.clients.map(\.samples) == [24, 24])
        #expect(record.clients.map(\.stepLimit) == [3, 3])
        #expect(zip(driver.machine.globalModel, initial).allSatisfy { abs($0 - $1 - 2) < 1e-6 })
        #expect(record.clients.allSatisfy { $0.timeline!.end <= driver.configuration.deviceDeadlineSeconds! })
    }

    /// The FLOPs must be those of the work allowed: a client claiming its whole local epochs under
    /// a step limit is refused.
    @Test func anUpdateClaimingMoreWorkThanItsStepLimitIsRefused() throws {
        var driver = try driver(.partial)
        for client in 0..<2 { try driver.join(client) }
        try driver.answer(0, moving: 1)
        #expect(driver.refusedCodes == [.flopsMismatch])
    }

    /// Under `drop`, the same deadline: nobody is told to stop early, and an honest client's whole
    /// epoch (8 steps) arrives late.
    @Test func underDropTheWholeWorkIsAskedAndArrivesLate() throws {
        var driver = try driver(.drop)
        for client in 0..<2 { try driver.join(client) }
        #expect(driver.roundStarts.mapValues(\.stepLimit) == [0: 0, 1: 0])
        for client in 0..<2 { try driver.answer(client, moving: 1) }
        #expect(driver.records.first?.dropped.map(\.reason) == [.straggler, .straggler])
    }
}
