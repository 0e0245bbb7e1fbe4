import FedCodec
import FedCoordinator
import FedLearning
import FedLedger
import FedWire
import Foundation
import NIOCore
import Testing

/// Attacks by one registered client, each driven over a real socket as the attacker would: none may
/// stall the job, crash the coordinator or change the model the honest clients produce.
@Suite(.serialized, .timeLimit(.minutes(1))) struct HostileClientTests {
    /// A crafted Update and the refusal it must get.
    struct CraftedUpdate: CustomTestStringConvertible, Sendable {
        var name: String
        var code: ErrorCode
        /// Words the refusal's text must hold (the field it names).
        var detail: String
        /// Makes the Update from the honest figures (samples, FLOPs) and the model's size.
        var make: @Sendable (_ samples: UInt32, _ flops: UInt64, _ parameters: Int) -> Update

        var testDescription: String { name }
    }

    static let craftedUpdates: [CraftedUpdate] = [
        CraftedUpdate(name: "FLOPs of 2^64 - 1", code: .flopsMismatch, detail: "FLOPs") { samples, _, parameters in
            Update(round: 1, sampleCount: samples, trainLoss: 1, flops: .max, cpuSeconds: 0.1, delta: zeros(parameters))
        },
        CraftedUpdate(name: "train loss 1e308 over 2^32 - 1 samples", code: .valueOutOfRange, detail: "sample count") { _, flops, parameters in
            Update(round: 1, sampleCount: .max, trainLoss: 1e308, flops: flops, cpuSeconds: 0.1, delta: zeros(parameters))
        },
        CraftedUpdate(name: "train loss 1e308", code: .valueOutOfRange, detail: "train loss") { samples, flops, parameters in
            Update(round: 1, sampleCount: samples, trainLoss: 1e308, flops: flops, cpuSeconds: 0.1, delta: zeros(parameters))
        },
        CraftedUpdate(name: "a delta of all 3e38", code: .valueOutOfRange, detail: "delta value 0") { samples, flops, parameters in
            Update(
                round: 1, sampleCount: samples, trainLoss: 1, flops: flops, cpuSeconds: 0.1,
                delta: TensorCodec.encode([Float](repeating: 3e38, count: parameters)))
        },
        CraftedUpdate(name: "2^32 - 1 samples behind a +0.3 delta", code: .valueOutOfRange, detail: "shard") { _, flops, parameters in
            Update(
                round: 1, sampleCount: .max, trainLoss: 1, flops: flops, cpuSeconds: 0.1,
                delta: TensorCodec.encode([Float](repeating: 0.3, count: parameters)))
        },
        CraftedUpdate(name: "a NaN encode time", code: .nonFiniteValues, detail: "encode seconds") { samples, flops, parameters in
            Update(round: 1, sampleCount: samples, trainLoss: 1, flops: flops, cpuSeconds: 0.1, encodeSeconds: .nan, delta: zeros(parameters))
        },
    ]

    static func zeros(_ count: Int) -> EncodedTensor { TensorCodec.encode([Float](repeating: 0, count: count)) }

    /// One round with honest clients 0 and 1 and client 2 on a raw socket; `act` plays client 2
    /// once its RoundStart is in. Returns the round's record.
    func roundWithClient2(_ act: @Sendable (RawConnection, LoopbackJob) async throws -> Void) async throws -> RoundRecord? {
        let setup = try await LoopbackJob(clients: 3, rounds: 1, minCompletion: 2)
        let port = setup.server.port
        let job = Task { try await setup.coordinator.run() }
        let rogue = try RawConnection(port: port)
        _ = try await rogue.joinReady(as: 2)
        let honest = (0..<2).map { id in Task { try await setup.client(id, port: port).run() } }
        guard case .roundStart = try await rogue.receiveMessage() else { Issue.record("no RoundStart"); return nil }
        try await act(rogue, setup)
        _ = try await job.value
        for client in honest { try await client.value }
        let records = try setup.ledger()
        await setup.cleanUp()
        return records.first
    }

    /// Each crafted Update is refused with its code and a text naming the field; the round completes
    /// with the honest clients, and the model is bit for bit the one of a round in which client 2
    /// simply hung up.
    @Test(arguments: craftedUpdates) func extremeNumbersAreRefusedAndChangeNothing(_ crafted: CraftedUpdate) async throws {
        let reference = try await roundWithClient2 { rogue, _ in rogue.hangUp() }
        let attacked = try await roundWithClient2 { rogue, setup in
            let (samples, flops) = try setup.honestFigures(for: 2)
            rogue.send(Array(buffer: Message.update(crafted.make(samples, flops, setup.job.model.parameterCount)).encodedFrame()))
            guard case .error(let refusal) = try await rogue.receiveMessage() else { Issue.record("no Error frame"); return }
            #expect(refusal.code == crafted.code)
            #expect(refusal.text.contains(crafted.detail), "\(refusal.text)")
        }
        guard let reference, let attacked else { Issue.record("no ledger"); return }
        #expect(attacked.completed == [0, 1] && attacked.dropped.map(\.client) == [2])
        #expect(attacked.testLoss == reference.testLoss && attacked.testAccuracy == reference.testAccuracy)
    }

    /// An Update an honest client could send for `round`: its true sample count and FLOPs.
    func plausibleUpdate(round: UInt32, client: Int, _ setup: LoopbackJob, value: Float = 0.001) throws -> [UInt8] {
        let (samples, flops) = try setup.honestFigures(for: client)
        return Array(buffer: Message.update(Update(
            round: round, sampleCount: samples, trainLoss: 1, flops: flops, cpuSeconds: 0.1,
            delta: TensorCodec.encode([Float](repeating: value, count: setup.job.model.parameterCount)))).encodedFrame())
    }

    /// A client that registers and then never reads: the RoundStart it is sent (a 5 MB model) cannot
    /// leave the coordinator's socket, and the round still closes at its deadline plus a moment,
    /// dropping the client as `timeout` instead of waiting for its socket (which held the job open
    /// until the client hung up, past this suite's time limit).
    @Test func aClientThatStopsReadingCostsARoundItsDeadline() async throws {
        let setup = try await LoopbackJob(clients: 2, rounds: 1, minCompletion: 1, roundTimeout: 1, hidden: [32768])
        let port = setup.server.port
        let job = Task { try await setup.coordinator.run() }
        let stalled = try RawConnection(port: port, receiveBufferBytes: 4096)
        _ = try await stalled.joinReady(as: 1)
        let honest = try RawConnection(port: port)
        _ = try await honest.joinReady(as: 0)
        guard case .roundStart = try await honest.receiveMessage() else { Issue.record("no RoundStart"); return }
        honest.send(try plausibleUpdate(round: 1, client: 0, setup))
        try await setup.passDeadline(waitingOnlyFor: [1])
        _ = try await job.value
        let records = try setup.ledger()
        await setup.cleanUp()
        #expect(records.map(\.status) == [.completed])
        #expect(records[0].completed == [0])
        #expect(records[0].dropped.map { "\($0.client) \($0.reason)" } == ["1 timeout"])
        // On the job clock the round lasted exactly its deadline; the real time its writes may take past
        // it, at most a second, is measured by Benchmarks/run-stalled-client.sh.
        #expect(records[0].wallSeconds == 1)
        withExtendedLifetime(stalled) {}  // it stays connected, unread, until the job is over
    }

    /// An honest client too slow for round 1's deadline sends its update after the round closed and
    /// round 2 began: the update is dropped without a word, the client stays connected, and its
    /// round 2 update is acknowledged and aggregated.
    @Test func aLateUpdateIsDroppedQuietlyAndTheClientTakesTheNextRound() async throws {
        let setup = try await LoopbackJob(clients: 2, rounds: 2, minCompletion: 1, roundTimeout: 1)
        let port = setup.server.port
        let job = Task { try await setup.coordinator.run() }
        let slow = try RawConnection(port: port)
        _ = try await slow.joinReady(as: 1)
        let honest = Task { try await setup.client(0, port: port).run() }
        guard case .roundStart(let first) = try await slow.receiveMessage() else { Issue.record("no RoundStart"); return }
        try await setup.passDeadline(waitingOnlyFor: [1])
        guard case .roundStart(let second) = try await slow.receiveMessage() else { Issue.record("no second RoundStart"); return }
        for start in [first, second] { slow.send(try plausibleUpdate(round: start.round, client: 1, setup)) }
        guard case .ack(let ack) = try await slow.receiveMessage() else { Issue.record("the late update was answered"); return }
        #expect(ack.round == 2)
        _ = try await job.value
        try await honest.value
        let records = try setup.ledger()
        await setup.cleanUp()
        #expect(records.map(\.round) == [1, 2])
        #expect(records[0].completed == [0] && records[0].dropped.map(\.reason) == [.timeout])
        #expect(records[1].completed == [0, 1])
    }
}
