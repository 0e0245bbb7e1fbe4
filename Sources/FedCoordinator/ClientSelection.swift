import FedData

/// Which of the connected clients take part in a round: all, a fraction, or a fixed number,
/// sampled reproducibly from the job seed, the round and the attempt.
public enum ClientSelection: Sendable, Hashable, Codable {
    /// Every registered client.
    case all
    /// `ceil(fraction * available)` clients, at least one.
    case fraction(Double)
    /// `min(count, available)` clients.
    case count(Int)

    /// The ids selected from `available` for `round` (attempt `attempt`), in ascending order.
    public func select(from available: [Int], seed: UInt64, round: Int, attempt: Int) -> [Int] {
        let sorted = available.sorted()
        let wanted: Int
        switch self {
        case .all: return sorted
        case .fraction(let fraction): wanted = max(1, Int((fraction * Double(sorted.count)).rounded(.up)))
        case .count(let count): wanted = count
        }
        guard wanted < sorted.count else { return sorted }
        var generator = SeededGenerator(seed: seed &+ UInt64(round) &* 1_000_003 &+ UInt64(attempt), stream: 0x5E1E)
        return Array(sorted.shuffled(using: &generator).prefix(wanted)).sorted()
    }
}
