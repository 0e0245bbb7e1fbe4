import Crypto
import Foundation

/// Proof that a client holds its secret (HMAC-SHA256, RFC 2104), bound to one connection's nonce so
/// a recorded proof is worthless on any other connection.
///
/// The proof is `HMAC-SHA256(secret, nonce || client id as UInt32 little-endian)`.
public enum ClientAuthentication {
    /// Bytes of the nonce the coordinator sends in Challenge.
    public static let nonceSize = 32
    /// The fewest bytes a secret may have.
    public static let minimumSecretBytes = 16

    /// A fresh random nonce from the system's secure generator.
    public static func makeNonce() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<nonceSize).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// The proof a client sends in Register.
    public static func proof(secret: [UInt8], nonce: [UInt8], clientID: UInt32) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: message(nonce: nonce, clientID: clientID), using: SymmetricKey(data: secret)))
    }

    /// Whether `proof` is right for this secret, nonce and client (compared in constant time).
    public static func verify(_ proof: [UInt8], secret: [UInt8], nonce: [UInt8], clientID: UInt32) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(proof, authenticating: message(nonce: nonce, clientID: clientID), using: SymmetricKey(data: secret))
    }

    private static func message(nonce: [UInt8], clientID: UInt32) -> [UInt8] {
        nonce + withUnsafeBytes(of: clientID.littleEndian) { Array($0) }
    }
}

/// The secrets a coordinator checks proofs against: one per client, and/or one for the whole fleet.
public struct ClientSecrets: Sendable {
    private let perClient: [UInt32: [UInt8]]
    private let fleet: [UInt8]?

    /// Creates secrets from their bytes.
    public init(perClient: [UInt32: [UInt8]] = [:], fleet: [UInt8]? = nil) {
        self.perClient = perClient
        self.fleet = fleet
    }

    /// Reads a secrets file: one `ID SECRET` per line for a client, `* SECRET` for the fleet; blank
    /// lines and lines starting with `#` are skipped. Secrets are taken as their UTF-8 bytes.
    public init(file path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw AuthenticationError.unreadable(path) }
        var perClient: [UInt32: [UInt8]] = [:]
        var fleet: [UInt8]?
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let parts = trimmed.split(separator: " ", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[1].utf8.count >= ClientAuthentication.minimumSecretBytes else { throw AuthenticationError.malformed(path, number + 1) }
            if parts[0] == "*" {
                fleet = Array(parts[1].utf8)
            } else if let id = UInt32(parts[0]) {
                perClient[id] = Array(parts[1].utf8)
            } else {
                throw AuthenticationError.malformed(path, number + 1)
            }
        }
        self.init(perClient: perClient, fleet: fleet)
    }

    /// The secret client `id` must prove, if any.
    public func secret(for id: UInt32) -> [UInt8]? { perClient[id] ?? fleet }
}

/// Why secrets could not be used.
public enum AuthenticationError: Error, CustomStringConvertible {
    /// The file cannot be read.
    case unreadable(String)
    /// A line of a secrets file is not `ID SECRET` or `* SECRET` with a long enough secret.
    case malformed(String, Int)
    /// A one-secret file holds fewer than the minimum bytes.
    case tooShort(String)

    public var description: String {
        let minimum = ClientAuthentication.minimumSecretBytes
        switch self {
        case .unreadable(let path): return "cannot read the secrets file \(path)"
        case .malformed(let path, let line):
            return "\(path) line \(line): write `ID SECRET` or `* SECRET`, with a secret of at least \(minimum) characters"
        case .tooShort(let path): return "the secret in \(path) is shorter than \(minimum) characters"
        }
    }
}
