import FedCodec
import FedCoordinator
import FedLedger
import FedWire
import Testing

/// Whole jobs through the round state machine alone: no sockets, no sleeping, a manual clock.
@Suite struct RoundStateMachineTests {
    @Test func everyRoundAsksEveryClientAveragesTheirDeltasAndTheJobFinishes() throws {
        var driver = try MachineDriver(clients: 3, rounds: 2)
        let initial = driver.machine.globalModel
        for client in 0..<3 { try driver.join(client) }
        #expect(driver.participants == [[0, 1, 2]])
        for (client, value) in [(0, Float(0.25)), (1, 0.5), (2, 0.75)] { try driver.answer(client, moving: value) }
        // Equal shards: the sample-weighted mean is the plain mean, 0.5.
        #expect(driver.machine.globalModel == initial.map { $0 + 0.5 })
        #expect(driver.participants == [[0, 1, 2], [0, 1, 2]])
        for client in 0..<3 { try driver.answer(client, moving: 0) }
        #expect(driver.records.map(\.status) == [.completed, .completed])
        #expect(driver.records.map(\.round) == [1, 2])
        #expect(driver.finished == [1, 2, 3])
        // Each client's bytes in the record are what its connection carried in the attempt.
        let record = driver.records[0]
        #expect(record.clients.map(\.bytesWritten) == driver.openings[0].deliveries.map(\.frame.readableBytes))
        #expect(record.cumulativeUplinkBytes == record.clients.reduce(0) { $0 + $1.bytesRead })
        let summary = driver.machine.summary(connectionBytes: [])
        #expect(summary.roundsCompleted == 2 && summary.failedAttempts == 0)
    }

    @Test(arguments: [(ClientSelection.count(3), 3), (.fraction(0.45), 5)])
    func perRoundAndFractionSelectASeededSubsetEachRound(selection: ClientSelection, size: Int) throws {
        var driver = try MachineDriver(clients: 10, rounds: 3) { $0.selection = selection }
        for client in 0..<10 { try driver.join(client) }
        for round in 1...3 {
            let asked = driver.participants[round - 1]
            #expect(asked == selection.select(from: Array(0..<10), seed: driver.job.seed, round: round, attempt: 1))
            #expect(asked.count == size)
            for client in asked { try driver.answer(client, moving: 0.01) }
        }
        #expect(Set(driver.participants).count > 1, "every round asked the same clients")
        #expect(driver.records.map(\.selected) == driver.participants)
    }

    /// The ready clients are counted as they change: an Ack 0 adds one; registering again (not ready
    /// until the next Ack 0), a refused input and a disconnection take one away; the first round
    /// opens when the count reaches the minimum.
    @Test func theReadyCountFollowsAcksReconnectionsRefusalsAndDisconnects() throws {
        var driver = try MachineDriver(clients: 4, rounds: 1)
        for client in 0..<3 { try driver.join(client) }
        #expect((driver.machine.registeredClients, driver.machine.readyClients) == (3, 3))
        try driver.feed(.connected(100, nonce: [UInt8](repeating: 7, count: 16)))
        try driver.feed(.message(100, .register(Register(clientID: 0, device: "rpi4", link: "wifi", proof: []))))
        #expect((driver.machine.registeredClients, driver.machine.readyClients) == (3, 2))
        try driver.feed(.message(100, .ack(Ack(round: 0))))
        #expect(driver.machine.readyClients == 3)
        try driver.feed(.disconnected(driver.connection[1]!))
        #expect((driver.machine.registeredClients, driver.machine.readyClients) == (2, 2))
        try driver.feed(.refused(driver.connection[2]!, WireError(.malformedPayload, "a bad frame")))
        #expect((driver.machine.registeredClients, driver.machine.readyClients) == (2, 1))
        try driver.join(1)
        try driver.join(3)
        #expect(driver.machine.readyClients == 3 && driver.participants.isEmpty)
        try driver.feed(.message(driver.connection[2]!, .ack(Ack(round: 0))))
        #expect(driver.machine.readyClients == 4)
        #expect(driver.participants == [[0, 1, 2, 3]])
    }

    @Test func aSilentClientIsDroppedAtTheDeadlineAndAStaleDeadlineChangesNothing() throws {
        var driver = try MachineDriver(clients: 3, rounds: 2) { $0.minCompletion = 2 }
        for client in 0..<3 { try driver.join(client) }
        try driver.answer(0, moving: 0.1)
        try driver.answer(1, moving: 0.1)
        #expect(driver.records.isEmpty && driver.machine.openRound?.pending == [2])
        try driver.passDeadline()
        #expect(driver.records.count == 1)
        #expect(driver.records[0].completed == [0, 1])
        #expect(driver.records[0].dropped == [RoundRecord.Dropped(client: 2, reason: .timeout)])
        #expect(driver.records[0].wallSeconds == 30)  // exactly the deadline, on the job clock
        // Round 1's deadline again (a timer that fired late) does not touch round 2.
        try driver.feed(.deadlinePassed(RoundAttempt(round: 1, attempt: 1)))
        #expect(driver.machine.openRound?.attempt == RoundAttempt(round: 2, attempt: 1))
        #expect(driver.records.count == 1)
    }

    @Test func tooFewUpdatesFailTheAttemptWhichIsRetriedUpToTheLimit() throws {
        var driver = try MachineDriver(clients: 3, rounds: 2) {
            $0.minCompletion = 2
            $0.maxRoundAttempts = 2
        }
        let initial = driver.machine.globalModel
        for client in 0..<3 { try driver.join(client) }
        try driver.answer(0, moving: 1)
        try driver.passDeadline()
        #expect(driver.records.map(\.status) == [.failed])
        #expect(driver.machine.globalModel == initial, "a failed attempt moved the model")
        #expect(driver.openings.map(\.attempt) == [RoundAttempt(round: 1, attempt: 1), RoundAttempt(round: 1, attempt: 2)])
        #expect(driver.checkpoints.last.map { ($0.header.round, $0.header.attempt) } ?? (0, 0) == (1, 2))
        try driver.answer(1, moving: 1)
        try driver.passDeadline()
        #expect(driver.records.map(\.status) == [.failed, .failed])
        guard case .roundFailed(round: 1, attempts: 2) = driver.failure else {
            Issue.record("the job went on after round 1 failed twice: \(String(describing: driver.failure))")
            return
        }
        #expect(driver.machine.globalModel == initial)
    }

    /// One bad update each: it is refused with its code, the offender is dropped from the round as
    /// rejected (or, having sent a good update before its duplicate, keeps just that one), and the
    /// model moves by the mean of the accepted deltas alone.
    @Test(arguments: BadUpdate.allCases) func aRefusedUpdateLeavesTheModelUntouched(_ bad: BadUpdate) throws {
        var driver = try MachineDriver(clients: 3, rounds: 1)
        let initial = driver.machine.globalModel
        let count = driver.job.model.parameterCount
        for client in 0..<3 { try driver.join(client) }
        try driver.answer(0, moving: 0.5)
        switch bad {
        case .wrongRound: try driver.answer(1, round: 7, moving: 0.5)
        case .duplicate: try driver.answer(0, moving: 9)
        case .wrongShape: try driver.answer(1, delta: [Float](repeating: 9, count: count - 1))
        case .nonFinite: try driver.answer(1, delta: [Float](repeating: 9, count: count - 1) + [.nan])
        }
        #expect(driver.refusedCodes == [bad.code])
        #expect(driver.refusals.map(\.connection) == [driver.connection[bad == .duplicate ? 0 : 1]!])
        #expect(driver.machine.openRound?.pending == (bad == .duplicate ? [1, 2] : [2]))
        if bad == .duplicate { try driver.answer(1, moving: 0.5) }
        try driver.answer(2, moving: 0.5)
        #expect(driver.machine.globalModel == initial.map { $0 + 0.5 })
        #expect(driver.records[0].completed == (bad == .duplicate ? [0, 1, 2] : [0, 2]))
    }

    enum BadUpdate: CaseIterable, Sendable {
        case wrongRound, duplicate, wrongShape, nonFinite

        var code: ErrorCode {
            switch self {
            case .wrongRound: return .wrongRound
            case .duplicate: return .duplicateUpdate
            case .wrongShape: return .wrongShape
            case .nonFinite: return .nonFiniteValues
            }
        }
    }

    @Test func anUnselectedClientsUpdateIsRefused() throws {
        var driver = try MachineDriver(clients: 3, rounds: 1) { $0.selection = .count(1) }
        for client in 0..<3 { try driver.join(client) }
        let asked = driver.participants[0]
        let outsider = (0..<3).first { !asked.contains($0) }!
        let initial = driver.machine.globalModel
        try driver.answer(outsider, round: 1, moving: 5)
        #expect(driver.refusedCodes == [.notSelected])
        #expect(driver.machine.globalModel == initial)
        #expect(driver.machine.openRound?.pending == Set(asked))
    }

    @Test func anUpdateBeforeRegisteringAndAnUnknownIdAreRefused() throws {
        var driver = try MachineDriver(clients: 2, rounds: 1)
        try driver.feed(.connected(9, nonce: []))
        try driver.feed(.message(9, .ack(Ack(round: 0))))
        try driver.feed(.message(9, .register(Register(clientID: 5, device: "rpi4", link: "wifi"))))
        try driver.feed(.message(9, .register(Register(clientID: 1, device: "toaster", link: "wifi"))))
        #expect(driver.refusedCodes == [.unexpectedMessage, .unknownClient, .unknownProfile])
        #expect(driver.openings.isEmpty)
    }

    @Test func secretsAreCheckedAndANonceServesOneRegister() throws {
        let secret: [UInt8] = Array("a secret of client 0".utf8)
        var driver = try MachineDriver(clients: 1, rounds: 1) { $0.secrets = ClientSecrets(perClient: [0: secret]) }
        try driver.feed(.connected(1, nonce: [1, 2, 3]))
        let proof = ClientAuthentication.proof(secret: secret, nonce: [1, 2, 3], clientID: 0)
        try driver.feed(.message(1, .register(Register(clientID: 0, device: "rpi4", link: "wifi", proof: Array(proof.reversed())))))
        // The right proof now comes too late: the nonce was spent on the wrong one.
        try driver.feed(.message(1, .register(Register(clientID: 0, device: "rpi4", link: "wifi", proof: proof))))
        #expect(driver.refusedCodes == [.authenticationFailed, .authenticationFailed])
        try driver.join(0, secret: secret)
        #expect(driver.participants == [[0]])
    }

    @Test func aClientReconnectingUnderItsIdReplacesItsConnectionAndTakesTheNextRound() throws {
        var driver = try MachineDriver(clients: 3, rounds: 2) { $0.minCompletion = 2 }
        for client in 0..<3 { try driver.join(client) }
        let old = driver.connection[2]!
        try driver.answer(0, moving: 0.1)
        try driver.answer(1, moving: 0.1)
        let new = try driver.join(2)
        #expect(driver.closed == [old])
        #expect(driver.records[0].dropped == [RoundRecord.Dropped(client: 2, reason: .reconnected)])
        // The old connection's close, when it comes, is not the client's.
        try driver.feed(.disconnected(old))
        #expect(driver.openings[1].deliveries.first { $0.client == 2 }?.connection == new)
        for client in 0..<3 { try driver.answer(client, moving: 0.1) }
        #expect(driver.records[1].completed == [0, 1, 2])
    }

    @Test func aDisconnectedClientIsDroppedAtOnce() throws {
        var driver = try MachineDriver(clients: 3, rounds: 1) { $0.minCompletion = 2 }
        for client in 0..<3 { try driver.join(client) }
        try driver.answer(0, moving: 0.1)
        try driver.answer(1, moving: 0.1)
        try driver.feed(.disconnected(driver.connection[2]!))
        #expect(driver.records.first?.dropped == [RoundRecord.Dropped(client: 2, reason: .disconnected)])
        #expect(driver.finished == [driver.connection[0]!, driver.connection[1]!])
        #expect(driver.clock.now == .zero, "the round waited for its deadline")
    }

    @Test func aLateUpdateIsDroppedQuietlyAndTheClientAnswersTheNextRound() throws {
        var driver = try MachineDriver(clients: 2, rounds: 2) { $0.minCompletion = 1 }
        for client in 0..<2 { try driver.join(client) }
        try driver.answer(0, moving: 0.1)
        try driver.passDeadline()
        let afterRoundOne = driver.machine.globalModel
        try driver.answer(1, round: 1, moving: 5)  // answers round 1's RoundStart, too late
        #expect(driver.refusals.isEmpty)
        #expect(driver.machine.globalModel == afterRoundOne)
        try driver.answer(0, moving: 0.1)
        try driver.answer(1, moving: 0.1)
        #expect(driver.records[1].completed == [0, 1])
    }

    @Test func aResumedMachineCarriesOnFromItsCheckpointAsIfNeverStopped() throws {
        var whole = try MachineDriver(clients: 2, rounds: 3)
        for client in 0..<2 { try whole.join(client) }
        for round in 1...3 {
            for client in 0..<2 { try whole.answer(client, moving: Float(round) * 0.1) }
        }
        var stopped = try MachineDriver(clients: 2, rounds: 3)
        for client in 0..<2 { try stopped.join(client) }
        for round in 1...2 {
            for client in 0..<2 { try stopped.answer(client, moving: Float(round) * 0.1) }
        }
        let checkpoint = stopped.checkpoints[1]
        #expect((checkpoint.header.round, checkpoint.header.attempt) == (3, 1))
        var resumed = stopped
        resumed.machine = try MachineDriver.machine(
            stopped.configuration, clock: stopped.clock, resumingFrom: checkpoint, records: Array(stopped.records.prefix(2)))
        #expect(resumed.machine.globalModel == stopped.machine.globalModel)
        for client in 0..<2 { try resumed.join(client) }
        #expect(resumed.openings.last?.attempt == RoundAttempt(round: 3, attempt: 1))
        for client in 0..<2 { try resumed.answer(client, moving: 0.3) }
        #expect(resumed.machine.globalModel == whole.machine.globalModel)
        #expect(resumed.records.last?.cumulativeDownlinkBytes == whole.records.last?.cumulativeDownlinkBytes)
        #expect(resumed.finished != nil)

        // The checkpoint of another job, or of another aggregation rule, is refused.
        var other = stopped.configuration
        other.clipNorm = 1
        #expect(throws: CheckpointError.self) {
            try MachineDriver.machine(other, clock: stopped.clock, resumingFrom: checkpoint)
        }
    }

    /// `--stop-at-accuracy`: the job ends after the first completed round that reaches it, and a
    /// job resumed after that round finishes at once; a target never reached runs every round.
    @Test func theJobEndsAtTheFirstRoundThatReachesTheStopAccuracy() throws {
        func run(stoppingAt target: Double?) throws -> MachineDriver {
            var driver = try MachineDriver(clients: 2, rounds: 4) { $0.stopAtAccuracy = target }
            for client in 0..<2 { try driver.join(client) }
            while driver.finished == nil, driver.records.count < 4 {
                for client in 0..<2 { try driver.answer(client, moving: 0.1) }
            }
            return driver
        }
        let whole = try run(stoppingAt: nil)
        #expect(whole.records.count == 4)
        let stopped = try run(stoppingAt: whole.records[0].testAccuracy)
        #expect(stopped.records.count == 1 && stopped.finished != nil)
        #expect(try run(stoppingAt: 1.01).records.count == 4)
        var resumed = try MachineDriver.machine(
            stopped.configuration, clock: stopped.clock, resumingFrom: stopped.checkpoints[0], records: stopped.records)
        guard case .finish = resumed.start().first else { Issue.record("a job that had reached its target did not finish"); return }
    }

    @Test func aResumedMachineWhoseRoundsAreAllDoneFinishesAtOnce() throws {
        var driver = try MachineDriver(clients: 1, rounds: 1)
        try driver.join(0)
        try driver.answer(0, moving: 0.1)
        var resumed = try MachineDriver.machine(driver.configuration, clock: driver.clock, resumingFrom: driver.checkpoints[0])
        guard case .finish([]) = resumed.start().first else { Issue.record("a finished job did not finish"); return }
        #expect(resumed.isFinished)
    }
}
