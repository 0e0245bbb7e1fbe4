/// A round's accepted deltas on their way to one combined delta: a streaming weighted sum for the
/// mean (memory O(model)), or every delta kept for a robust statistic.
struct DeltaCollector {
    let combination: DeltaCombination
    private var sum: DeltaAccumulator
    private var kept: [[Float]] = []

    init(combination: DeltaCombination, parameterCount: Int) {
        self.combination = combination
        sum = DeltaAccumulator(parameterCount: combination.buffersUpdates ? 0 : parameterCount)
    }

    /// Adds a validated delta with its sample count.
    mutating func add(_ delta: [Float], weight: Double) {
        if combination.buffersUpdates {
            kept.append(delta)  // the robust statistics weigh every client alike
        } else {
            sum.add(delta, weight: weight)
        }
    }

    /// The combined delta, or nil when nothing was added.
    func combined() -> [Float]? {
        switch combination {
        case .weightedMean: return sum.mean()
        case .median: return kept.isEmpty ? nil : RobustStatistics.coordinateMedian(kept)
        case .trimmedMean(let fraction): return kept.isEmpty ? nil : RobustStatistics.trimmedMean(kept, fraction: fraction)
        case .krum(let byzantine): return kept.isEmpty ? nil : RobustStatistics.krum(kept, byzantine: byzantine)
        }
    }
}
