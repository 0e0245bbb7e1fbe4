import FedClient
import FedCodec
import FedCoordinator
import FedWire
import Foundation
import Testing

@Suite(.timeLimit(.minutes(1))) struct ClientFaultTests {
    /// Client 2 registers and declares itself ready, then never answers its RoundStart: the round
    /// closes at its deadline with clients 0 and 1, the ledger says client 2 timed out, and client 2,
    /// back as a well-behaved client, takes part in a later round.
    @Test func silentClientTimesOutAndRejoinsLater() async throws {
        let setup = try await LoopbackJob(clients: 3, rounds: 3, minCompletion: 2, roundTimeout: 1)
        let port = setup.server.port
        let job = Task { try await setup.coordinator.run() }
        var silent: RawConnection? = try RawConnection(port: port)
        silent!.send(Array(buffer: Message.register(Register(clientID: 2, device: "rpi4", link: "wifi")).encodedFrame()))
        _ = try await silent!.receiveMessage()
        silent!.send(Array(buffer: Message.ack(Ack(round: 0)).encodedFrame()))
        let honest = (0..<2).map { id in Task { try await setup.client(id, port: port).run() } }
        guard case .roundStart = try await silent!.receiveMessage() else { Issue.record("no RoundStart"); return }
        // Say nothing. Once round 1 is in the ledger, hang up and come back as a real client under the
        // same id; with fewer than --min-clients ready, the next rounds wait for it.
        while (try? setup.ledger().count) ?? 0 < 1 { try await Task.sleep(for: .milliseconds(20)) }
        silent = nil
        let returning = Task { try await setup.client(2, port: port).run() }
        _ = try await job.value
        for client in honest + [returning] { try await client.value }
        let records = try setup.ledger()
        await setup.cleanUp()
        #expect(records.map(\.status) == [.completed, .completed, .completed])
        #expect(records[0].completed == [0, 1])
        #expect(records[0].dropped.map(\.client) == [2] && records[0].dropped[0].reason == "timeout")
        #expect(records[2].completed == [0, 1, 2])
    }

    /// A client that disconnects in the middle of a round (as a killed process does) is dropped
    /// with the reason, and the round completes with the others without waiting for the deadline.
    @Test func disconnectingClientIsDroppedAtOnce() async throws {
        let setup = try await LoopbackJob(clients: 3, rounds: 1, minCompletion: 2, roundTimeout: 30)
        let port = setup.server.port
        let job = Task { try await setup.coordinator.run() }
        var vanishing: RawConnection? = try RawConnection(port: port)
        vanishing!.send(Array(buffer: Message.register(Register(clientID: 2, device: "rpi4", link: "wifi")).encodedFrame()))
        _ = try await vanishing!.receiveMessage()
        vanishing!.send(Array(buffer: Message.ack(Ack(round: 0)).encodedFrame()))
        let honest = (0..<2).map { id in Task { try await setup.client(id, port: port).run() } }
        guard case .roundStart = try await vanishing!.receiveMessage() else { Issue.record("no RoundStart"); return }
        vanishing = nil  // the socket closes mid-round
        let started = Date()
        _ = try await job.value
        for client in honest { try await client.value }
        let records = try setup.ledger()
        await setup.cleanUp()
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(records[0].completed == [0, 1])
        #expect(records[0].dropped.map(\.client) == [2] && records[0].dropped[0].reason == "disconnected")
    }
}
