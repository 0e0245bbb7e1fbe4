import NIOSSL

/// Which end of a TLS connection this side is, with its context; nil in the pipeline means plain TCP.
public enum TLSRole: Sendable {
    /// The coordinator: presents its certificate.
    case server(NIOSSLContext)
    /// A client: verifies the coordinator's certificate (against its trust roots and, when given, this name).
    case client(NIOSSLContext, serverName: String?)

    /// The coordinator's side: certificate chain and private key, both PEM files.
    public static func server(certificatePath: String, keyPath: String) throws -> TLSRole {
        let chain = try NIOSSLCertificate.fromPEMFile(certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: keyPath, format: .pem)))
        return .server(try NIOSSLContext(configuration: configuration))
    }

    /// A client's side: the PEM file of the certificate authorities it trusts, and the name the
    /// coordinator's certificate must carry (default: the host it connects to).
    public static func client(trustRootsPath: String, serverName: String?) throws -> TLSRole {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .file(trustRootsPath)
        configuration.certificateVerification = .fullVerification
        return .client(try NIOSSLContext(configuration: configuration), serverName: serverName)
    }
}
