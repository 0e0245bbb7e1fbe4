/// Top-k sparsification: the indices of the `k` largest magnitudes, ascending.
enum TopK {
    /// How many values a fraction keeps of `count`: at least one, at most all.
    static func keptCount(fraction: Double, of count: Int) -> Int {
        min(count, max(1, Int((fraction * Double(count)).rounded())))
    }

    /// Exactly `k` indices (ascending) whose magnitudes are the largest; ties at the threshold are
    /// broken by lower index. Average O(n) by quickselect on a copy of the magnitudes.
    static func select(_ values: [Float], k: Int) -> [Int] {
        precondition(k >= 0 && k <= values.count)
        guard k < values.count else { return Array(values.indices) }
        guard k > 0 else { return [] }
        var magnitudes = values.map(\.magnitude)
        let threshold = kthLargest(&magnitudes, k: k)
        var above = 0
        for value in values where value.magnitude > threshold { above += 1 }
        var atThreshold = k - above
        var indices = [Int]()
        indices.reserveCapacity(k)
        for (index, value) in values.enumerated() {
            let magnitude = value.magnitude
            if magnitude > threshold {
                indices.append(index)
            } else if magnitude == threshold, atThreshold > 0 {
                indices.append(index)
                atThreshold -= 1
            }
        }
        return indices
    }

    /// The k-th largest element (1-based), reordering `values` (Hoare's selection).
    private static func kthLargest(_ values: inout [Float], k: Int) -> Float {
        var low = 0
        var high = values.count - 1
        let target = k - 1
        var generator = SystemRandomNumberGenerator()
        while low < high {
            let pivot = values[Int.random(in: low...high, using: &generator)]
            var i = low
            var j = high
            while i <= j {
                while values[i] > pivot { i += 1 }
                while values[j] < pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            if target <= j {
                high = j
            } else if target >= i {
                low = i
            } else {
                return values[target]
            }
        }
        return values[target]
    }
}
