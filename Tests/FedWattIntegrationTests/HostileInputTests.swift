import FedCodec
import FedCoordinator
import FedWire
import Foundation
import NIOCore
import Testing

@Suite(.timeLimit(.minutes(1))) struct HostileInputTests {
    /// Sends `bytes` on a fresh connection and returns the code of the Error frame that comes back,
    /// after checking the coordinator then closed the connection.
    func refusalCode(for bytes: [UInt8], port: Int) async throws -> ErrorCode? {
        let connection = try RawConnection(port: port)
        connection.send(bytes)
        let reply = try await connection.receiveMessage()
        guard case .error(let error) = reply else {
            Issue.record("expected an Error frame, got \(String(describing: reply))")
            return nil
        }
        #expect(await connection.isClosedByPeer())
        return error.code
    }

    @Test func badFramesAndBadUpdatesAreRefusedWhileTheRoundGoesOn() async throws {
        // Clients 0 and 1 are well behaved; client 2 is a raw socket that sends a wrong-shaped update.
        let setup = try await LoopbackJob(clients: 3, rounds: 1, minCompletion: 2)
        let port = setup.server.port
        let job = Task { try await setup.coordinator.run() }

        #expect(try await refusalCode(for: Array("GET / HTTP/1.1\r\n\r\n".utf8), port: port) == .badMagic)
        #expect(try await refusalCode(for: Array("FWAT".utf8) + [1, 4, 0, 0, 0xFF, 0xFF, 0xFF, 0x7F], port: port) == .frameTooLarge)
        #expect(try await refusalCode(for: Array("FWAT".utf8) + [9, 4, 0, 0, 0, 0, 0, 0], port: port) == .unsupportedVersion)
        var corrupted = Array(buffer: Message.register(Register(clientID: 0, device: "rpi4", link: "wifi")).encodedFrame())
        corrupted[corrupted.count - 1] ^= 0xFF
        #expect(try await refusalCode(for: corrupted, port: port) == .checksumMismatch)
        let strayUpdate = Message.update(Update(
            round: 1, sampleCount: 1, trainLoss: 0, flops: 0, cpuSeconds: 0, delta: TensorCodec.encode([0])))
        #expect(try await refusalCode(for: Array(buffer: strayUpdate.encodedFrame()), port: port) == .unknownClient)
        let outsider = Message.register(Register(clientID: 3, device: "rpi4", link: "wifi"))
        #expect(try await refusalCode(for: Array(buffer: outsider.encodedFrame()), port: port) == .unknownClient)
        let toaster = Message.register(Register(clientID: 1, device: "toaster", link: "wifi"))
        #expect(try await refusalCode(for: Array(buffer: toaster.encodedFrame()), port: port) == .unknownProfile)

        // Client 2 registers, declares itself ready, and answers its RoundStart with 5 values.
        let rogue = try RawConnection(port: port)
        guard case .welcome = try await rogue.joinReady(as: 2) else { Issue.record("no Welcome"); return }
        let good = (0..<2).map { id in Task { try await setup.client(id, port: port).run() } }
        guard case .roundStart(let start) = try await rogue.receiveMessage() else { Issue.record("no RoundStart"); return }
        let (samples, flops) = try setup.honestFigures(for: 2)
        let wrongShape = Message.update(Update(
            round: start.round, sampleCount: samples, trainLoss: 1, flops: flops, cpuSeconds: 0.1, delta: TensorCodec.encode([1, 2, 3, 4, 5])))
        rogue.send(Array(buffer: wrongShape.encodedFrame()))
        guard case .error(let refusal) = try await rogue.receiveMessage() else { Issue.record("no Error frame"); return }
        #expect(refusal.code == .wrongShape)
        #expect(await rogue.isClosedByPeer())

        let summary = try await job.value
        for client in good { try await client.value }
        let records = try setup.ledger()
        await setup.cleanUp()
        #expect(summary.roundsCompleted == 1)
        #expect(records.count == 1 && records[0].status == .completed)
        #expect(records[0].completed == [0, 1])
        #expect(records[0].dropped.map(\.client) == [2])
        #expect(records[0].dropped[0].reason.description.contains("wrong shape"))
    }

    @Test func nonFiniteUpdateIsRefusedAndLeavesTheModelUnchanged() async throws {
        let setup = try await LoopbackJob(clients: 1, rounds: 1, minCompletion: 1)
        let job = Task { try await setup.coordinator.run() }
        let rogue = try RawConnection(port: setup.server.port)
        _ = try await rogue.joinReady(as: 0)
        guard case .roundStart(let start) = try await rogue.receiveMessage() else { Issue.record("no RoundStart"); return }
        var values = try TensorCodec.decode(start.models[0], expectedCount: setup.job.model.parameterCount)
        values[3] = .nan
        let (samples, flops) = try setup.honestFigures(for: 0)
        rogue.send(Array(buffer: Message.update(Update(
            round: 1, sampleCount: samples, trainLoss: 1, flops: flops, cpuSeconds: 0.1, delta: TensorCodec.encode(values))).encodedFrame()))
        guard case .error(let refusal) = try await rogue.receiveMessage() else { Issue.record("no Error frame"); return }
        #expect(refusal.code == .nonFiniteValues)
        #expect(await rogue.isClosedByPeer())

        // The attempt fails with nothing accepted; a well-behaved client then completes the round.
        try await setup.client(0, port: setup.server.port).run()
        _ = try await job.value
        let records = try setup.ledger()
        await setup.cleanUp()
        let initial = try setup.job.model.evaluate(
            parameters: setup.job.model.initialParameters(seed: setup.job.seed), on: try setup.job.dataset.load(.test))
        #expect(records.map(\.status) == [.failed, .completed])
        #expect(records[0].dropped.first?.reason.description.contains("non-finite") == true)
        // Bit-for-bit the initial model: the same test loss to the last digit.
        #expect(records[0].testLoss == initial.loss && records[0].testAccuracy == initial.accuracy)
        #expect(records[1].testAccuracy > initial.accuracy)
    }
}

@Suite(.timeLimit(.minutes(1))) struct UpdateSequenceTests {
    /// Registers `id` on a raw connection, declares it ready, and waits for its RoundStart.
    func readyRogue(_ id: UInt32, port: Int) async throws -> (RawConnection, RoundStart)? {
        let rogue = try RawConnection(port: port)
        _ = try await rogue.joinReady(as: id)
        guard case .roundStart(let start) = try await rogue.receiveMessage() else { return nil }
        return (rogue, start)
    }

    /// An update with the figures an honest client of the job would send (every shard is alike here).
    func update(round: UInt32, _ values: [Float], _ setup: LoopbackJob) throws -> [UInt8] {
        let (samples, flops) = try setup.honestFigures(for: 0)
        return Array(buffer: Message.update(Update(
            round: round, sampleCount: samples, trainLoss: 1, flops: flops, cpuSeconds: 0.1, delta: TensorCodec.encode(values))).encodedFrame())
    }

    @Test func wrongRoundDuplicateInfinityAndHalfAFrameAreRefusedAndTheJobGoesOn() async throws {
        let setup = try await LoopbackJob(clients: 4, rounds: 1, minCompletion: 1, roundTimeout: 2)
        let port = setup.server.port
        let count = setup.job.model.parameterCount
        let job = Task { try await setup.coordinator.run() }
        async let first = readyRogue(0, port: port)
        async let second = readyRogue(1, port: port)
        async let third = readyRogue(2, port: port)
        async let fourth = readyRogue(3, port: port)
        guard let (wrongRound, _) = try await first, let (duplicate, _) = try await second, let (infinite, _) = try await third,
            let (halfFrame, _) = try await fourth
        else { Issue.record("no RoundStart"); return }

        wrongRound.send(try update(round: 7, [Float](repeating: 0, count: count), setup))
        guard case .error(let e1) = try await wrongRound.receiveMessage() else { Issue.record("no Error frame"); return }
        #expect(e1.code == .wrongRound)

        duplicate.send(try update(round: 1, [Float](repeating: 0.001, count: count), setup))
        guard case .ack = try await duplicate.receiveMessage() else { Issue.record("no Ack"); return }
        duplicate.send(try update(round: 1, [Float](repeating: 0.001, count: count), setup))
        guard case .error(let e2) = try await duplicate.receiveMessage() else { Issue.record("no Error frame"); return }
        #expect(e2.code == .duplicateUpdate)

        var values = [Float](repeating: 0, count: count)
        values[count - 1] = .infinity
        infinite.send(try update(round: 1, values, setup))
        guard case .error(let e3) = try await infinite.receiveMessage() else { Issue.record("no Error frame"); return }
        #expect(e3.code == .nonFiniteValues)

        // Half a frame and then silence: the decoder waits for the rest (buffering no more than the
        // header declared, itself under the maximum) and the round drops the client at its deadline.
        let frame = try update(round: 1, [Float](repeating: 0, count: count), setup)
        halfFrame.send(Array(frame[..<(frame.count / 2)]))
        try await setup.passDeadline(waitingOnlyFor: [3])

        let summary = try await job.value
        let records = try setup.ledger()
        await setup.cleanUp()
        #expect(summary.roundsCompleted == 1)
        #expect(records[0].completed == [1])
        #expect(Set(records[0].dropped.map(\.client)) == [0, 2, 3])
    }
}
