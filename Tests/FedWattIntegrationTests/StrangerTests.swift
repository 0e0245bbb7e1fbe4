import FedCoordinator
import FedWire
import Foundation
import NIOCore
import Testing

/// Connections that have not proved a secret and registered: they spend a small budget of their own,
/// never the registered clients' one, and they do not keep their descriptors past the handshake deadline.
@Suite(.timeLimit(.minutes(1))) struct StrangerTests {
    /// 40 strangers each start a 3,000-byte Register and stall: the bytes they hold are charged to
    /// the strangers' budget alone, and the job of the clients holding the fleet secret runs.
    @Test func strangersSlowFramesSpendTheirOwnBudgetNotTheClients() async throws {
        let fleet = Array("a fleet secret of some length".utf8)
        let members = InboundBudget(limit: 64 << 10, frameTimeout: .seconds(30))
        let strangers = StrangerLimits(handshakeTimeout: .seconds(30))
        let setup = try await LoopbackJob(
            clients: 2, rounds: 2, secrets: ClientSecrets(fleet: fleet), budget: members, strangers: strangers)
        let port = setup.server.port
        let job = Task { try await setup.coordinator.run() }
        let slow = frame(ofSize: 3000)
        let stalled = try (0..<40).map { _ in
            let connection = try RawConnection(port: port)
            connection.send(Array(slow[..<100]))
            return connection
        }
        while strangers.budget.heldBytes < 40 * 3000 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(members.heldBytes == 0)

        let honest = (0..<2).map { id in Task { try await setup.client(id, port: port, secret: fleet).run() } }
        let summary = try await job.value
        for client in honest { try await client.value }
        #expect(summary.roundsCompleted == 2)
        #expect(strangers.budget.heldBytes == 40 * 3000, "the strangers still hold their own room, and only that")
        withExtendedLifetime(stalled) {}
        await setup.cleanUp()
    }
}

/// A frame of exactly `size` bytes (a Bye whose text pads it).
private func frame(ofSize size: Int) -> [UInt8] {
    Array(buffer: Message.bye(Bye(reason: String(repeating: "x", count: size - 16))).encodedFrame())
}
