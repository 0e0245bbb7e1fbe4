/// Why a selected client's update is not in a round. In the ledger it is the text it has always
/// been (`timeout`, `disconnected`, `reconnected`, `rejected: CODE: DETAIL`, `straggler`, `offline`, `not needed`), so old ledgers load.
public enum DropReason: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The round's deadline passed without the client's update (or its socket would not take the round's frames).
    case timeout
    /// The connection closed.
    case disconnected
    /// The client registered again on another connection, which ends the old one.
    case reconnected
    /// The coordinator refused the client's input; the refusal's text (code and detail).
    case rejected(String)
    /// The update arrived in device time after the round closed (`--deadline` with a `--fleet`): the
    /// client's work was done and its energy spent, but the update is not aggregated.
    case straggler
    /// The client's online window ended before its update arrived, in device time (`--fleet` with a
    /// diurnal availability).
    case offline
    /// With over-selection (`--over-select`), enough updates arrived before this one in device time;
    /// its energy was spent, its update is not aggregated.
    case notNeeded

    /// The reason without a refusal's detail: `rejected` for every refusal, else the ledger's text.
    public var kind: String {
        if case .rejected = self { return "rejected" }
        return description
    }

    private static let rejectedPrefix = "rejected: "

    /// The ledger's text.
    public var description: String {
        switch self {
        case .timeout: return "timeout"
        case .disconnected: return "disconnected"
        case .reconnected: return "reconnected"
        case .rejected(let refusal): return Self.rejectedPrefix + refusal
        case .straggler: return "straggler"
        case .offline: return "offline"
        case .notNeeded: return "not needed"
        }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        switch text {
        case "timeout": self = .timeout
        case "disconnected": self = .disconnected
        case "reconnected": self = .reconnected
        case "straggler": self = .straggler
        case "offline": self = .offline
        case "not needed": self = .notNeeded
        case let refusal where refusal.hasPrefix(Self.rejectedPrefix): self = .rejected(String(refusal.dropFirst(Self.rejectedPrefix.count)))
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown drop reason \"\(text)\""))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
