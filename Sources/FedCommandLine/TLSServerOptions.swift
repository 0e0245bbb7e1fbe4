import ArgumentParser
import FedWire

/// `--tls-cert` and `--tls-key`: the coordinator's certificate and key, when the job runs over TLS.
public struct TLSServerOptions: ParsableArguments {
    @Option(name: .customLong("tls-cert"), help: "Serve TLS with this PEM certificate chain (with --tls-key); simulated clients trust it as their CA.")
    public var certificate: String?

    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert.")
    public var key: String?

    public init() {}

    public func validate() throws {
        guard (certificate == nil) == (key == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
    }

    /// The certificate and key, when given.
    public var files: (certificate: String, key: String)? {
        guard let certificate, let key else { return nil }
        return (certificate, key)
    }

    /// The coordinator's TLS side, when given; with `clientTrustRootsPath`, mutual TLS.
    public func serverRole(clientTrustRootsPath: String? = nil) throws -> TLSRole? {
        try files.map { try TLSRole.server(certificatePath: $0.certificate, keyPath: $0.key, clientTrustRootsPath: clientTrustRootsPath) }
    }
}
