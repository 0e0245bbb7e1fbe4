import ArgumentParser
import FedClient
import FedCommandLine
import FedData
import FedWire
import Foundation
import Logging

/// `fedwatt-client`: one edge client of a federated job.
@main
struct FedWattClient: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fedwatt-client",
        abstract: "Join a federated job as one edge client.",
        discussion: """
            Connects to the coordinator, registers with its id, derives its own data shard from the \
            job's partition spec (training data never crosses the wire), trains on every RoundStart \
            and sends back its encoded delta. Reconnects with exponential backoff if the coordinator \
            goes away; exits 0 when the coordinator says Bye.
            """
    )

    @Option(help: "Coordinator address, HOST:PORT.")
    var coordinator: String

    @Option(help: "This client's id, 0..<the job's client count; it picks the data shard.")
    var id: Int

    @Option(
        help: "A job file as `fedwatt simulate` writes it (DIR/job.json): its simulated clients' device, link and attack, its data folder, fleet secret and coordinator certificate (as --tls-ca) replace --device, --link and the flags below that are not given.")
    var job: String?

    @OptionGroup var profiles: ClientProfileOptions
    @OptionGroup var dataDirectory: DataDirectoryOption

    @Option(help: "Poison this client's updates, to test robust aggregation: sign-flip:SCALE sends -SCALE times the honest delta.")
    var attack: ClientAttack?

    @Option(name: .customLong("secret-file"), help: "A file whose content is this client's secret, proved at Register.")
    var secretFile: String?

    @Option(name: .customLong("tls-ca"), help: "Connect with TLS, trusting the certificate authorities in this PEM file.")
    var tlsCA: String?

    @Option(
        name: .customLong("tls-server-name"),
        help: "The name the coordinator's certificate must carry (default: the host of --coordinator; for an IP address only the chain is verified).")
    var tlsServerName: String?

    @OptionGroup var identity: TLSIdentityOptions

    @Option(name: .customLong("give-up-after"), help: "Seconds without reaching the coordinator before giving up.")
    var giveUpAfter: Double = 60

    func validate() throws {
        guard id >= 0 else { throw ValidationError("--id must not be negative") }
        guard hostAndPort(coordinator) != nil else { throw ValidationError("--coordinator must be HOST:PORT, e.g. 127.0.0.1:7000") }
        guard giveUpAfter > 0 else { throw ValidationError("--give-up-after must be positive") }
        guard identity.files == nil || tlsCA != nil || job != nil else {
            throw ValidationError("--tls-cert needs --tls-ca (mutual TLS is TLS first)")
        }
    }

    /// The host as a TLS server name, or nil for an IP address (SNI carries names only).
    static func hostName(_ host: String) -> String? {
        var ipv4 = in_addr()
        var ipv6 = in6_addr()
        return inet_pton(AF_INET, host, &ipv4) == 1 || inet_pton(AF_INET6, host, &ipv6) == 1 ? nil : host
    }

    func run() async throws {
        var logger = Logger(label: "fedwatt.client.\(id)")
        logger.logLevel = .warning
        let address = hostAndPort(coordinator)!  // checked in validate()
        var (device, link, attack, dataDirectory, secretFile, tlsCA) = (
            profiles.device, profiles.link, self.attack, self.dataDirectory.path, self.secretFile, self.tlsCA
        )
        if let job {
            let description = try JobDescription(file: job)
            guard let clients = description.simulatedClients else { throw JobFileError.noSimulatedClients(path: job) }
            (device, link) = (clients.device, clients.link)
            attack = attack ?? (id < clients.attackers ? clients.attack : nil)
            dataDirectory = dataDirectory ?? description.data.directory
            secretFile = secretFile ?? description.fleetSecretFile
            tlsCA = tlsCA ?? description.tls?.certificate
        }
        let configuration = EdgeClientConfiguration(
            host: address.host, port: address.port, clientID: id, device: device, link: link,
            dataDirectory: FashionMNIST.directory(explicit: dataDirectory), giveUpAfterSeconds: giveUpAfter, attack: attack,
            secret: try secretFile.map(SecretFile.read),
            tls: try tlsCA.map {
                try TLSRole.client(
                    trustRootsPath: $0, serverName: tlsServerName ?? Self.hostName(address.host), certificatePath: identity.certificate,
                    keyPath: identity.key)
            })
        try await EdgeClient(configuration: configuration, logger: logger).run()
    }
}
