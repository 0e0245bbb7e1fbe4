import FedLedger

/// What became of one selected client's update in one round attempt, as the report counts it.
public enum ClientFate: String, Sendable, Hashable, Codable, CaseIterable {
    /// Its update moved the global model: accepted in an attempt that completed.
    case aggregated
    /// Its update arrived in device time after the round closed (`--deadline`).
    case straggler
    /// With over-selection, enough updates arrived before it.
    case notNeeded = "not needed"
    /// Its online window ended before its update arrived.
    case offline
    /// Not aggregated for another reason: a timeout, a disconnection, a refusal, or an attempt that
    /// failed (fewer updates than `--min-completion`, so the model did not move).
    case otherwise = "not aggregated otherwise"

    /// The fate of every client line of `record`, by client.
    public static func fates(in record: RoundRecord) -> [Int: ClientFate] {
        let aggregated = record.status == .completed ? Set(record.completed) : []
        let reasons = Dictionary(record.dropped.map { ($0.client, $0.reason) }, uniquingKeysWith: { first, _ in first })
        let fates = record.clients.map { line -> (Int, ClientFate) in
            if aggregated.contains(line.client) { return (line.client, .aggregated) }
            switch reasons[line.client] {
            case .straggler: return (line.client, .straggler)
            case .notNeeded: return (line.client, .notNeeded)
            case .offline: return (line.client, .offline)
            default: return (line.client, .otherwise)
            }
        }
        return Dictionary(fates, uniquingKeysWith: { first, _ in first })
    }
}
