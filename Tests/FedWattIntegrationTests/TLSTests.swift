import FedClient
import FedCoordinator
import FedWire
import Foundation
import Testing

/// A self-signed certificate for 127.0.0.1 made by Debian's openssl, in a fresh folder.
func makeCertificate(in folder: URL, name: String) async throws -> (certificate: String, key: String) {
    let certificate = folder.appendingPathComponent("\(name).pem").path
    let key = folder.appendingPathComponent("\(name)-key.pem").path
    let openssl = Process()
    openssl.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
    openssl.arguments = [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", certificate,
        "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ]
    openssl.standardOutput = FileHandle.nullDevice
    openssl.standardError = FileHandle.nullDevice
    try openssl.run()
    await onOwnThread { openssl.waitUntilExit() }
    guard openssl.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
    return (certificate, key)
}

@Suite(.timeLimit(.minutes(1))) struct TLSTests {
    @Test func jobRunsOverTLSAndClientsWithoutTheRightCAAreTurnedAway() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-tls-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let coordinatorCertificate = try await makeCertificate(in: folder, name: "coordinator")
        let impostor = try await makeCertificate(in: folder, name: "impostor")

        let setup = try await LoopbackJob(
            clients: 2, rounds: 2, tls: try TLSRole.server(certificatePath: coordinatorCertificate.certificate, keyPath: coordinatorCertificate.key))
        let port = setup.server.port
        let job = Task { try await setup.coordinator.run() }

        // Plain TCP is not TLS: the handshake fails and nothing of the job is said.
        let plain = try RawConnection(port: port, timeoutSeconds: 5)
        plain.send(Array(buffer: Message.register(Register(clientID: 0, device: "rpi4", link: "wifi")).encodedFrame()))
        #expect(await plain.receiveMessageIfAny() == nil)

        // A client that trusts another authority refuses the coordinator's certificate and gives up.
        let doubting = EdgeClient(configuration: EdgeClientConfiguration(
            host: "127.0.0.1", port: port, clientID: 0, initialBackoffSeconds: 0.05, giveUpAfterSeconds: 0.5,
            tls: try TLSRole.client(trustRootsPath: impostor.certificate, serverName: "localhost")))
        await #expect(throws: ClientError.self) { try await doubting.run() }

        let trusting = try TLSRole.client(trustRootsPath: coordinatorCertificate.certificate, serverName: "localhost")
        let clients = (0..<2).map { id in
            Task {
                try await EdgeClient(configuration: EdgeClientConfiguration(
                    host: "127.0.0.1", port: port, clientID: id, giveUpAfterSeconds: 10, tls: trusting)).run()
            }
        }
        let summary = try await job.value
        for client in clients { try await client.value }
        await setup.cleanUp()
        #expect(summary.roundsCompleted == 2)
        // Bytes are counted at the socket: TLS records are larger than the frames inside them.
        #expect(summary.connectionBytes.allSatisfy { $0.read > 0 && $0.written > 0 })
    }

    @Test func mutualTLSTurnsAwayClientsWithoutACertificateFromTheFleetAuthority() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fedwatt-mtls-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let coordinatorCertificate = try await makeCertificate(in: folder, name: "coordinator")
        // Self-signed, so the fleet's certificate is its own authority.
        let fleet = try await makeCertificate(in: folder, name: "fleet")
        let impostor = try await makeCertificate(in: folder, name: "impostor")

        let setup = try await LoopbackJob(
            clients: 2, rounds: 2,
            tls: try TLSRole.server(
                certificatePath: coordinatorCertificate.certificate, keyPath: coordinatorCertificate.key,
                clientTrustRootsPath: fleet.certificate))
        let port = setup.server.port
        let job = Task { try await setup.coordinator.run() }

        func client(_ id: Int, identity: (certificate: String, key: String)?, giveUpAfter: Double) throws -> EdgeClient {
            EdgeClient(configuration: EdgeClientConfiguration(
                host: "127.0.0.1", port: port, clientID: id, initialBackoffSeconds: 0.05, giveUpAfterSeconds: giveUpAfter,
                tls: try TLSRole.client(
                    trustRootsPath: coordinatorCertificate.certificate, serverName: "localhost",
                    certificatePath: identity?.certificate, keyPath: identity?.key)))
        }
        /// Why the client gave up, as it reports it.
        func refusal(_ client: EdgeClient) async -> String? {
            do {
                try await client.run()
                return nil
            } catch ClientError.coordinatorUnreachable(_, let failure) {
                return failure
            } catch {
                return "\(error)"
            }
        }
        // Trusting the coordinator is not enough: without a certificate, or with one from another
        // authority, the coordinator fails the handshake and the client gives up, saying why.
        let withoutCertificate = await refusal(try client(0, identity: nil, giveUpAfter: 0.5))
        #expect(withoutCertificate?.contains("CERTIFICATE_REQUIRED") == true, "\(withoutCertificate ?? "joined")")
        let withImpostor = await refusal(try client(0, identity: impostor, giveUpAfter: 0.5))
        #expect(withImpostor?.contains("ALERT") == true, "\(withImpostor ?? "joined")")

        let clients = try (0..<2).map { id in
            let member = try client(id, identity: fleet, giveUpAfter: 10)
            return Task { try await member.run() }
        }
        let summary = try await job.value
        for client in clients { try await client.value }
        await setup.cleanUp()
        #expect(summary.roundsCompleted == 2)
        #expect(summary.connectionBytes.map(\.client) == [0, 1])
    }
}
