/// The streaming weighted sum of a round's accepted deltas: memory O(model) however many clients
/// report, each update folded in as it arrives and then dropped.
///
/// The sum is kept in `Double`: each `Float` delta times an integer sample count is exact in a
/// double, so the mean no longer depends (beyond rare last-bit cases) on the order updates arrive in,
/// and a run is reproduced from its seed.
public struct DeltaAccumulator: Sendable {
    private var sum: [Double]
    /// Sum of the weights (sample counts) folded in so far.
    public private(set) var totalWeight: Double = 0
    /// Number of updates folded in.
    public private(set) var count = 0

    /// Creates an empty sum for vectors of `parameterCount` values.
    public init(parameterCount: Int) {
        sum = [Double](repeating: 0, count: parameterCount)
    }

    /// Adds `weight * delta`. The caller has validated `delta` (shape, finite values), so this cannot fail.
    public mutating func add(_ delta: [Float], weight: Double) {
        precondition(delta.count == sum.count && weight > 0)
        sum.withUnsafeMutableBufferPointer { total in
            delta.withUnsafeBufferPointer { values in
                for i in 0..<total.count { total[i] += weight * Double(values[i]) }
            }
        }
        totalWeight += weight
        count += 1
    }

    /// The weighted mean of the deltas added, or nil if none was.
    public func mean() -> [Float]? {
        guard count > 0 else { return nil }
        return sum.map { Float($0 / totalWeight) }
    }
}
