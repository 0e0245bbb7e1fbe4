import NIOSSL

/// Which end of a TLS connection this side is, with its context; nil in the pipeline means plain TCP.
public enum TLSRole: Sendable {
    /// The coordinator: presents its certificate, and with mutual TLS requires the client's.
    case server(NIOSSLContext)
    /// A client: verifies the coordinator's certificate (against its trust roots and, when given,
    /// this name), and presents its own when it has one.
    case client(NIOSSLContext, serverName: String?)

    /// The coordinator's side: certificate chain and private key, both PEM files. With
    /// `clientTrustRootsPath` (mutual TLS), a client must present a certificate issued by one of the
    /// authorities in that PEM file, or its handshake fails before it can say anything.
    public static func server(certificatePath: String, keyPath: String, clientTrustRootsPath: String? = nil) throws -> TLSRole {
        let (chain, key) = try identity(certificatePath: certificatePath, keyPath: keyPath)
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: key)
        if let clientTrustRootsPath {
            configuration.trustRoots = .file(clientTrustRootsPath)
            // Clients are known by their chain, not by a host name.
            configuration.certificateVerification = .noHostnameVerification
        }
        return .server(try NIOSSLContext(configuration: configuration))
    }

    /// A client's side: the PEM file of the certificate authorities it trusts, the name the
    /// coordinator's certificate must carry (default: the host it connects to), and for mutual TLS
    /// its own certificate chain and key (PEM files).
    public static func client(
        trustRootsPath: String, serverName: String?, certificatePath: String? = nil, keyPath: String? = nil
    ) throws -> TLSRole {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .file(trustRootsPath)
        configuration.certificateVerification = .fullVerification
        if let certificatePath, let keyPath {
            (configuration.certificateChain, configuration.privateKey) = try identity(certificatePath: certificatePath, keyPath: keyPath)
        }
        return .client(try NIOSSLContext(configuration: configuration), serverName: serverName)
    }

    private static func identity(certificatePath: String, keyPath: String) throws -> ([NIOSSLCertificateSource], NIOSSLPrivateKeySource) {
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        return (chain, .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
    }
}
