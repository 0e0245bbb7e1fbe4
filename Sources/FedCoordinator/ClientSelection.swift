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

    /// How many of `available` clients a round selects.
    public func count(available: Int) -> Int {
        switch self {
        case .all: return available
        case .fraction(let fraction): return min(available, max(1, Int((fraction * Double(available)).rounded(.up))))
        case .count(let count): return min(count, available)
        }
    }

    /// The ids selected from `available` for `round` (attempt `attempt`), in ascending order.
    public func select(from available: [Int], seed: UInt64, round: Int, attempt: Int) -> [Int] {
        let sorted = available.sorted()
        let wanted = count(available: sorted.count)
        guard wanted < sorted.count else { return sorted }
        var generator = SeededGenerator(seed: seed &+ UInt64(round) &* 1_000_003 &+ UInt64(attempt), stream: 0x5E1E)
        return Array(sorted.shuffled(using: &generator).prefix(wanted)).sorted()
    }
}
