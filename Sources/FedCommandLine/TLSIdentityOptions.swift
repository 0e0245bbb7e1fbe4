import ArgumentParser
import FedWire

/// `--tls-cert` and `--tls-key`: this end's certificate and key, when the job runs over TLS.
public struct TLSIdentityOptions: ParsableArguments {
    @Option(
        name: .customLong("tls-cert"),
        help: "This end's PEM certificate chain (with --tls-key): the coordinator serves it (simulated clients trust it as their CA); a client presents it for mutual TLS.")
    public var certificate: String?

    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert.")
    public var key: String?

    public init() {}

    public func validate() throws {
        guard (certificate == nil) == (key == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
    }

    /// The certificate and key, when given.
    public var files: TLSFiles? {
        guard let certificate, let key else { return nil }
        return TLSFiles(certificate: certificate, key: key)
    }
}

/// A PEM certificate chain and its private key.
public struct TLSFiles: Sendable, Hashable, Codable {
    /// The certificate chain's path.
    public var certificate: String
    /// The private key's path.
    public var key: String

    /// The coordinator's TLS side serving these files; with `clientTrustRootsPath`, mutual TLS.
    public func serverRole(clientTrustRootsPath: String? = nil) throws -> TLSRole {
        try TLSRole.server(certificatePath: certificate, keyPath: key, clientTrustRootsPath: clientTrustRootsPath)
    }
}
