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
        _ = try await silent!.joinReady(as: 2)
        let honest = (0..<2).map { id in Task { try await setup.client(id, port: port).run() } }
        guard case .roundStart = try await silent!.receiveMessage() else { Issue.record("no RoundStart"); return }
        // Say nothing: once the honest clients have answered, round 1's deadline passes without client 2.
        try await setup.passDeadline(waitingOnlyFor: [2])
        // Once round 1 is in the ledger, hang up and come back as a real client under the
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
        #expect(records[0].dropped.map(\.client) == [2] && records[0].dropped[0].reason == .timeout)
        #expect(records[2].completed == [0, 1, 2])
    }

    /// A client that disconnects in the middle of a round (as a killed process does) is dropped
    /// with the reason, and the round completes with the others without waiting for the deadline.
    @Test func disconnectingClientIsDroppedAtOnce() async throws {
        let setup = try await LoopbackJob(clients: 3, rounds: 1, minCompletion: 2, roundTimeout: 30)
        let port = setup.server.port
        let job = Task { try await setup.coordinator.run() }
        var vanishing: RawConnection? = try RawConnection(port: port)
        _ = try await vanishing!.joinReady(as: 2)
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
        #expect(records[0].dropped.map(\.client) == [2] && records[0].dropped[0].reason == .disconnected)
    }
}

@Suite(.serialized, .timeLimit(.minutes(2))) struct KilledClientProcessTests {
    /// Three client processes; client 2 is SIGKILLed as soon as a round with all three is in the
    /// ledger, so it dies training the next one. That round drops it as `disconnected` and completes
    /// with clients 0 and 1; the rounds after wait for three clients, and client 2, started again
    /// under its id, is in them. Every round is completed exactly once.
    @Test func killedClientIsDroppedAndRejoinsWhenStartedAgain() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-client-kill-\(UUID())")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: out) }
        let port = try freePort()
        let rounds = 8
        let coordinator = try BuiltExecutables.start(
            "fedwatt-coordinator",
            [
                "--port", "\(port)", "--min-clients", "3", "--min-completion", "2", "--rounds", "\(rounds)",
                "--dataset", "synthetic:features=32,classes=5,train=3000,test=200", "--hidden", "16", "--local-epochs", "20",
                "--round-timeout", "20", "--out", out.path,
            ],
            log: out.appendingPathComponent("coordinator.log"))
        func client(_ id: Int, _ name: String) throws -> Process {
            try BuiltExecutables.start(
                "fedwatt-client", ["--coordinator", "127.0.0.1:\(port)", "--id", "\(id)", "--give-up-after", "30"],
                log: out.appendingPathComponent("\(name).log"))
        }
        var clients = try (0..<3).map { try client($0, "client\($0)") }
        defer { for process in clients + [coordinator] where process.isRunning { process.terminate() } }

        // The next round starts in the same step that writes a round's ledger line, so once the
        // line is there, client 2 is selected again and busy training 20 local epochs.
        await BuiltExecutables.kill(clients[2]) { ((try? BuiltExecutables.ledger(out)) ?? []).count >= 2 }
        clients.append(try client(2, "client2-again"))

        await BuiltExecutables.waitForExit([coordinator] + clients)
        let records = try BuiltExecutables.ledger(out)
        #expect(coordinator.terminationStatus == 0)
        #expect(clients[2].terminationReason == .uncaughtSignal)
        #expect([clients[0], clients[1], clients[3]].allSatisfy { $0.terminationStatus == 0 })
        #expect(records.map(\.round) == Array(1...rounds) && records.allSatisfy { $0.status == .completed })
        #expect(records[0].completed == [0, 1, 2])
        let dropping = records.filter { !$0.dropped.isEmpty }
        #expect(dropping.count == 1 && dropping[0].round == 3, "\(dropping.map(\.round))")
        #expect(dropping.first?.dropped.map { "client \($0.client): \($0.reason)" } == ["client 2: disconnected"])
        #expect(dropping.first?.completed == [0, 1])
        #expect(records.last!.completed == [0, 1, 2], "client 2 must be back by the last round")
    }
}
