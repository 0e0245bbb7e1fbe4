@testable import FedClient
import FedCodec
import FedCoordinator
import FedEnergy
import FedLearning
import FedLedger
import FedWire
import Foundation
import Testing

@Suite(.timeLimit(.minutes(1))) struct LoopbackRoundsTests {
    /// Coordinator and 4 clients in this process, over real sockets through a counting relay.
    @Test func fourClientsRaiseAccuracyAndTheLedgerMatchesTheSockets() async throws {
        let setup = try await LoopbackJob(clients: 4, rounds: 3)
        let proxy = CountingProxy(targetPort: setup.server.port)
        let initial = try setup.job.model.evaluate(
            parameters: setup.job.model.initialParameters(seed: setup.job.seed), on: try setup.job.dataset.load(.test))

        let clients = (0..<4).map { id in Task { try await setup.client(id, port: proxy.port).run() } }
        let summary = try await setup.coordinator.run()
        for client in clients { try await client.value }
        let relayed = await proxy.totals(afterClosing: 4)
        let records = try setup.ledger()
        await setup.cleanUp()

        #expect(records.map(\.round) == [1, 2, 3] && records.allSatisfy { $0.status == .completed })
        #expect(records.allSatisfy { $0.completed == [0, 1, 2, 3] && $0.dropped.isEmpty })
        #expect(initial.accuracy < 0.4)
        #expect(records.last!.testAccuracy > initial.accuracy + 0.4)
        #expect(summary.finalAccuracy == records.last!.testAccuracy)

        // Whole connections: the coordinator's socket counts equal the relay's, each way.
        #expect(summary.connectionBytes.map(\.client) == [0, 1, 2, 3])
        #expect(summary.connectionBytes.reduce(0) { $0 + $1.read } == relayed.toTarget)
        #expect(summary.connectionBytes.reduce(0) { $0 + $1.written } == relayed.fromTarget)

        // Rounds: each round's bytes are its frames exactly (16 bytes of framing per frame).
        let parameters = setup.job.model.parameterCount
        let update = 16 + 49 + 4 * parameters
        let roundStart = 16 + 39 + 4 * parameters
        let ack = 16 + 4
        for record in records {
            for client in record.clients {
                #expect(client.bytesRead == update && client.payloadBytes == 4 * parameters)
                #expect(client.bytesWritten == roundStart + ack)
            }
        }
        // Outside the rounds each client received Challenge, Welcome and Bye and sent Register (no
        // proof) and Ack 0.
        let challenge = 16 + 2 + ClientAuthentication.nonceSize
        let register = 16 + 4 + 2 + "rpi4".utf8.count + 2 + "wifi".utf8.count + 2
        var job = setup.job
        job.sgd.proximalMu = 0
        let welcome = 16 + (try job.jsonText()).utf8.count
        let bye = 16 + "job complete".utf8.count
        for client in summary.connectionBytes {
            #expect(client.read == register + ack + 3 * update)
            #expect(client.written == challenge + welcome + 3 * (roundStart + ack) + bye)
        }
        #expect(summary.uplinkBytes == 12 * update)

        // Energy: each client's figures are the model applied to its counted FLOPs and socket bytes,
        // and the summary's totals are the ledger's sums.
        let profiles = try EnergyProfiles.shipped()
        let (device, link) = (try profiles.device("rpi4"), try profiles.link("wifi"))
        for record in records {
            for client in record.clients {
                #expect(client.energy.computeJoules == device.computeJoules(flops: client.flops))
                let radio = link.roundEnergy(
                    downloadBytes: client.bytesWritten, uploadBytes: client.bytesRead,
                    computeSeconds: device.computeSeconds(flops: client.flops))
                #expect(client.energy.communicationJoules == radio.totalJoules)
            }
            #expect(abs(record.energy.totalJoules - record.clients.reduce(0) { $0 + $1.energy.computeJoules + $1.energy.communicationJoules }) < 1e-9)
        }
        #expect(abs(summary.totalJoules - records.reduce(0) { $0 + $1.energy.totalJoules }) < 1e-9)
        #expect(abs(summary.gramsCO2e - (try profiles.grid("world")).grams(joules: summary.totalJoules)) < 1e-9)
    }

    @Test func sameSeedGivesTheSameGlobalModel() async throws {
        func finalModel() async throws -> [Float] {
            let setup = try await LoopbackJob(clients: 3, rounds: 2)
            let clients = (0..<3).map { id in Task { try await setup.client(id, port: setup.server.port).run() } }
            _ = try await setup.coordinator.run()
            for client in clients { try await client.value }
            await setup.cleanUp()
            return await setup.coordinator.globalModel
        }
        #expect(try await finalModel() == finalModel())
    }

    /// With room for one frame at a time, connections take turns reading, the job is the same, and
    /// every frame's room is given back once the coordinator has handled it.
    @Test func anInboundBudgetOfOneFrameAtATimeChangesNothingButTheOrder() async throws {
        func finalModel(budget: InboundBudget) async throws -> [Float] {
            let setup = try await LoopbackJob(clients: 4, rounds: 2, budget: budget)
            let clients = (0..<4).map { id in Task { try await setup.client(id, port: setup.server.port).run() } }
            let summary = try await setup.coordinator.run()
            for client in clients { try await client.value }
            await setup.cleanUp()
            #expect(summary.roundsCompleted == 2)
            return await setup.coordinator.globalModel
        }
        let tight = InboundBudget(limit: 1, frameTimeout: .seconds(30))
        let roomy = InboundBudget(limit: 64 << 20, frameTimeout: .seconds(30))
        #expect(try await finalModel(budget: tight) == finalModel(budget: roomy))
        #expect(tight.heldBytes == 0 && tight.waitingRequests == 0)
        #expect(roomy.heldBytes == 0)
    }
}

@Suite(.timeLimit(.minutes(1))) struct ReconnectionTests {
    /// A client started before its coordinator keeps retrying with backoff and joins once it listens.
    @Test func clientStartedBeforeTheCoordinatorJoinsWhenItComesUp() async throws {
        let probe = try await LoopbackJob(clients: 1, rounds: 1)
        let port = probe.server.port
        await probe.cleanUp()  // the port is free again, and nothing listens there

        let client = Task {
            let early = EdgeClient(configuration: EdgeClientConfiguration(
                host: "127.0.0.1", port: port, clientID: 0, initialBackoffSeconds: 0.05, giveUpAfterSeconds: 20))
            try await early.run()
            return early.roundsAnswered
        }
        try await Task.sleep(for: .milliseconds(300))
        let setup = try await LoopbackJob(clients: 1, rounds: 2, port: port)
        let summary = try await setup.coordinator.run()
        #expect(try await client.value == 2)
        await setup.cleanUp()
        #expect(summary.roundsCompleted == 2)
    }
}

@Suite(.timeLimit(.minutes(1))) struct DownlinkDifferenceTests {
    /// With --downlink-delta, round 1 sends the whole model and later rounds send differences from
    /// it: the clients' copies stay in step (every update is accepted), the downlink shrinks, and the
    /// job learns as well as with whole models under the same codec.
    @Test func differencesAfterTheFirstRoundShrinkTheDownlinkAndTheJobStillLearns() async throws {
        func run(deltas: Bool) async throws -> [RoundRecord] {
            let setup = try await LoopbackJob(clients: 4, rounds: 4, downlinkCodec: try CodecSpec(parsing: "int8+zlib"), downlinkDeltas: deltas)
            let clients = (0..<4).map { id in Task { try await setup.client(id, port: setup.server.port).run() } }
            _ = try await setup.coordinator.run()
            for client in clients { try await client.value }
            let records = try setup.ledger()
            await setup.cleanUp()
            return records
        }
        let whole = try await run(deltas: false)
        let differences = try await run(deltas: true)
        #expect(differences.allSatisfy { $0.status == .completed && $0.completed == [0, 1, 2, 3] })
        #expect(whole.flatMap(\.clients).allSatisfy { $0.downlinkDifference == false })
        #expect(differences[0].clients.allSatisfy { $0.downlinkDifference == false })
        #expect(differences.dropFirst().flatMap(\.clients).allSatisfy { $0.downlinkDifference == true })
        // The first round is the same whole model either way; after it, differences are smaller.
        #expect(differences[0].clients.map(\.bytesWritten) == whole[0].clients.map(\.bytesWritten))
        for (withDifferences, withWhole) in zip(differences.dropFirst(), whole.dropFirst()) {
            for (a, b) in zip(withDifferences.clients, withWhole.clients) { #expect(a.bytesWritten < b.bytesWritten) }
        }
        #expect(abs(differences.last!.testAccuracy - whole.last!.testAccuracy) < 0.03)
    }

    /// With two of four clients a round, a client selected again gets the differences it missed as
    /// one chain and applies them: no client is ever sent a whole model after its first round, and
    /// every update is accepted (a copy out of step would refuse a difference with error 19).
    @Test func sampledClientsCatchUpThroughTheDifferencesTheyMissed() async throws {
        let setup = try await LoopbackJob(
            clients: 4, rounds: 8, minCompletion: 2, downlinkCodec: try CodecSpec(parsing: "topk:0.1+int4+zlib"), downlinkDeltas: true,
            selection: .count(2))
        let clients = (0..<4).map { id in Task { try await setup.client(id, port: setup.server.port).run() } }
        _ = try await setup.coordinator.run()
        for client in clients { try await client.value }
        let records = try setup.ledger()
        await setup.cleanUp()
        #expect(records.count == 8 && records.allSatisfy { $0.status == .completed && $0.dropped.isEmpty })
        var seen: Set<Int> = []
        var caughtUp = 0
        for record in records {
            for line in record.clients {
                #expect(line.downlinkDifference == seen.contains(line.client))
                if seen.contains(line.client), let sent = line.downlinkStages, sent.encoded > record.downlinkStages.encoded { caughtUp += 1 }
                seen.insert(line.client)
            }
        }
        #expect(caughtUp > 0, "no client was sent more than one difference")
    }

    /// A client refuses a difference from a model version it does not hold, with error 19.
    @Test func aDifferenceFromAModelTheClientLacksIsRefused() async throws {
        let setup = try await LoopbackJob(clients: 1, rounds: 1)
        await setup.cleanUp()
        let workspace = try LocalWorkspace(job: setup.job, clientID: 0, dataDirectory: "")
        let count = setup.job.model.parameterCount
        func start(version: UInt32, base: UInt32) -> RoundStart {
            RoundStart(
                round: version, localEpochs: 1, deadlineMilliseconds: 1000, learningRate: 0.1, modelVersion: version, baseVersion: base,
                models: [TensorCodec.encode([Float](repeating: 0.01, count: count))])
        }
        #expect(throws: WireError.self) { try workspace.runRound(start(version: 1, base: 7)) }
        _ = try workspace.runRound(start(version: 1, base: 0))
        _ = try workspace.runRound(start(version: 2, base: 1))
        do {
            _ = try workspace.runRound(start(version: 3, base: 1))
            Issue.record("a difference from version 1 was applied to version 2")
        } catch let error as WireError {
            #expect(error.code == .unknownBaseModel)
        }
    }
}
