/// The aggregation strategy a job ran, with the parameters that tell its variants apart, as the
/// ledger, summary and checkpoints name it.
///
/// Its JSON is the name as a string ("FedAvg", "trimmed-mean (0.2 each end)", "Krum (f = 2)"), as
/// ledgers have always spelled it.
public enum StrategyLabel: Sendable, Hashable, Codable, CustomStringConvertible, LosslessStringConvertible {
    case fedAvg
    case fedProx
    case fedAdam
    case fedYogi
    case median
    /// Trimmed mean, dropping `fraction` of the values at each end of every coordinate.
    case trimmedMean(fraction: Double)
    /// Krum, assuming `byzantine` Byzantine clients.
    case krum(byzantine: Int)

    public var description: String {
        switch self {
        case .fedAvg: return "FedAvg"
        case .fedProx: return "FedProx"
        case .fedAdam: return "FedAdam"
        case .fedYogi: return "FedYogi"
        case .median: return "median"
        case .trimmedMean(let fraction): return "trimmed-mean (\(fraction) each end)"
        case .krum(let byzantine): return "Krum (f = \(byzantine))"
        }
    }

    /// Parses the name as ``description`` writes it.
    public init?(_ description: String) {
        switch description {
        case "FedAvg": self = .fedAvg
        case "FedProx": self = .fedProx
        case "FedAdam": self = .fedAdam
        case "FedYogi": self = .fedYogi
        case "median": self = .median
        default:
            if let fraction = Self.parameter(of: description, prefix: "trimmed-mean (", suffix: " each end)").flatMap(Double.init) {
                self = .trimmedMean(fraction: fraction)
            } else if let byzantine = Self.parameter(of: description, prefix: "Krum (f = ", suffix: ")").flatMap({ Int($0) }) {
                self = .krum(byzantine: byzantine)
            } else {
                return nil
            }
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let label = Self(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not a strategy FedWatt knows")
        }
        self = label
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static func parameter(of text: String, prefix: String, suffix: String) -> String? {
        guard text.hasPrefix(prefix), text.hasSuffix(suffix), text.count > prefix.count + suffix.count else { return nil }
        return String(text.dropFirst(prefix.count).dropLast(suffix.count))
    }
}
