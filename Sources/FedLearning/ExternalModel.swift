/// A model FedWatt does not implement: the clients train and evaluate it with their own code, and
/// the coordinator knows only its name and its flat parameter vector's length (from the initial
/// parameters it was given, `--initial-parameters FILE.npy`).
public struct ExternalModel: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The name the job gives it (`--model external:NAME`), for people and logs.
    public var name: String
    /// Values in its flat float32 parameter vector: the length of every model and delta tensor.
    public var parameterCount: Int

    /// Describes an external model.
    public init(name: String, parameterCount: Int) {
        self.name = name
        self.parameterCount = parameterCount
    }

    /// The longest name accepted.
    public static let maximumNameLength = 64

    /// Throws ``TrainingError/invalidConfiguration(_:)`` unless the name is 1 to 64 letters, digits,
    /// `.`, `_` or `-`, and the parameter count is positive.
    public func validate() throws {
        guard !name.isEmpty, name.count <= Self.maximumNameLength,
            name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) })
        else {
            throw TrainingError.invalidConfiguration(
                "external model name \"\(name)\" must be 1 to \(Self.maximumNameLength) letters, digits, '.', '_' or '-'")
        }
        guard parameterCount > 0 else {
            throw TrainingError.invalidConfiguration("external model \(name) has \(parameterCount) parameters; it needs at least 1")
        }
    }

    /// `external:NAME`, as `--model` names it.
    public var description: String { "external:\(name)" }
}
