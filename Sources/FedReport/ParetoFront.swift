/// The Pareto front of outcomes that cost bytes and buy accuracy: the outcomes no other one beats
/// on both counts (as few bytes or fewer and as high an accuracy or higher, strictly better on one).
enum ParetoFront {
    /// For each outcome, in order, whether it is on the front.
    static func members(_ outcomes: [(bytes: Int, accuracy: Double)]) -> [Bool] {
        outcomes.map { candidate in
            !outcomes.contains { other in
                other.bytes <= candidate.bytes && other.accuracy >= candidate.accuracy
                    && (other.bytes < candidate.bytes || other.accuracy > candidate.accuracy)
            }
        }
    }
}
