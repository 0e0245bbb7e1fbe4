import FedClient
import FedCoordinator
import FedWire
import Foundation
import NIOCore
import Testing

@Suite(.timeLimit(.minutes(1))) struct AuthenticationTests {
    let fleet = Array("correct horse battery staple".utf8)

    func register(_ connection: RawConnection, proof: [UInt8]) {
        connection.send(Array(buffer: Message.register(Register(clientID: 1, device: "rpi4", link: "wifi", proof: proof)).encodedFrame()))
    }

    @Test func proofsAreCheckedAndCannotBeReplayed() async throws {
        let setup = try await LoopbackJob(clients: 2, rounds: 1, secrets: ClientSecrets(fleet: fleet))
        let port = setup.server.port
        let job = Task { try await setup.coordinator.run() }

        // Missing and wrong proofs are refused.
        for proof in [[], ClientAuthentication.proof(secret: Array("not the secret at all".utf8), nonce: [1], clientID: 1)] {
            let stranger = try RawConnection(port: port)
            register(stranger, proof: proof)
            guard case .error(let refusal) = try await stranger.receiveMessage() else { Issue.record("no Error frame"); return }
            #expect(refusal.code == .authenticationFailed)
        }

        // A right proof is accepted; the same bytes on another connection (a replay) are refused,
        // because they answer the first connection's nonce.
        let honest = try RawConnection(port: port)
        try await honest.readChallenge()
        let proof = ClientAuthentication.proof(secret: fleet, nonce: honest.nonce, clientID: 1)
        register(honest, proof: proof)
        guard case .welcome = try await honest.receiveMessage() else { Issue.record("no Welcome"); return }
        let replay = try RawConnection(port: port)
        register(replay, proof: proof)
        guard case .error(let refusal) = try await replay.receiveMessage() else { Issue.record("no Error frame"); return }
        #expect(refusal.code == .authenticationFailed)

        // Real clients holding the secret run the job (client 1 takes over from the raw socket).
        let clients = (0..<2).map { id in Task { try await setup.client(id, port: port, secret: fleet).run() } }
        let summary = try await job.value
        for client in clients { try await client.value }
        await setup.cleanUp()
        #expect(summary.roundsCompleted == 1)
    }

    @Test func secretsFileNamesClientsAndTheFleet() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-secrets-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "# secrets\n3 a-secret-for-client-three\n* the-fleet-wide-secret-value\n".write(toFile: path, atomically: true, encoding: .utf8)
        let secrets = try ClientSecrets(file: path)
        #expect(secrets.secret(for: 3) == Array("a-secret-for-client-three".utf8))
        #expect(secrets.secret(for: 4) == Array("the-fleet-wide-secret-value".utf8))
        try "3 short\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: AuthenticationError.self) { try ClientSecrets(file: path) }
    }
}
