/// Coordinate-wise and distance-based robust statistics over equally long vectors.
public enum RobustStatistics {
    /// The median of every coordinate (the mean of the middle two for an even count).
    public static func coordinateMedian(_ vectors: [[Float]]) -> [Float] {
        trimmedMean(vectors, count: (vectors.count - 1) / 2)
    }

    /// The mean of every coordinate after dropping its `floor(fraction * n)` largest and smallest
    /// values (never all of them).
    public static func trimmedMean(_ vectors: [[Float]], fraction: Double) -> [Float] {
        trimmedMean(vectors, count: min(Int(fraction * Double(vectors.count)), (vectors.count - 1) / 2))
    }

    private static func trimmedMean(_ vectors: [[Float]], count trim: Int) -> [Float] {
        let n = vectors.count
        var column = [Float](repeating: 0, count: n)
        var result = [Float](repeating: 0, count: vectors[0].count)
        for i in result.indices {
            for k in 0..<n { column[k] = vectors[k][i] }
            column.sort()
            var total: Float = 0
            for k in trim..<(n - trim) { total += column[k] }
            result[i] = total / Float(n - 2 * trim)
        }
        return result
    }

    /// Krum: the vector whose summed squared distance to its `n - byzantine - 2` nearest others is
    /// smallest (with at least one neighbour).
    public static func krum(_ vectors: [[Float]], byzantine: Int) -> [Float] {
        let n = vectors.count
        guard n > 2 else { return vectors[0] }
        var distances = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for a in 0..<n {
            for b in (a + 1)..<n {
                var total = 0.0
                for i in vectors[a].indices {
                    let difference = Double(vectors[a][i] - vectors[b][i])
                    total += difference * difference
                }
                distances[a][b] = total
                distances[b][a] = total
            }
        }
        let neighbours = max(1, n - byzantine - 2)
        let scores = (0..<n).map { a in
            distances[a].enumerated().filter { $0.offset != a }.map(\.element).sorted().prefix(neighbours).reduce(0, +)
        }
        return vectors[scores.indices.min { scores[$0] < scores[$1] }!]
    }
}
