import FedWire
import Foundation

/// A file holding one secret (its whole content, surrounding white space removed).
public enum SecretFile {
    /// The secret's bytes; at least ``ClientAuthentication/minimumSecretBytes``.
    public static func read(_ path: String) throws -> [UInt8] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw AuthenticationError.unreadable(path) }
        let secret = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard secret.utf8.count >= ClientAuthentication.minimumSecretBytes else { throw AuthenticationError.tooShort(path) }
        return Array(secret.utf8)
    }
}
