import FedData
import FedEnergy
import Foundation

/// How sure the verdict is: the federated/centralized energy ratio at the central constants, under a
/// seeded Monte Carlo over every constant's plausible range, at the extremes, one constant at a time
/// (the tornado), and where it flips for the constants that move it most (docs/ARCHITECTURE.md,
/// "The verdict's uncertainty").
public struct VerdictUncertainty: Sendable, Codable {
    /// One constant the analysis moved.
    public struct Constant: Sendable, Codable, Hashable {
        /// Its path in `profiles.json`.
        public var name: String
        public var label: String
        public var unit: String
        public var central: Double
        public var low: Double
        public var high: Double
        public var reason: String
        /// The ratio with this constant at its low and at its high value, the others central.
        public var ratioAtLow: Double
        public var ratioAtHigh: Double

        /// How far the ratio moves between the two ends.
        public var swing: Double { abs(ratioAtHigh - ratioAtLow) }
    }

    /// A constant with no range (held at its value), or one whose range does not move it.
    public struct Fixed: Sendable, Codable, Hashable {
        public var name: String
        public var value: Double
    }

    /// Where the ratio crosses 1 as one constant moves, the others central.
    public struct FlipPoint: Sendable, Codable, Hashable {
        /// The constant, with its central value and plausible range.
        public var constant: Constant
        /// The interval searched: a quarter of the low end to four times the high end.
        public var searchedFrom: Double
        public var searchedTo: Double
        /// The value at which both sides cost the same (nil: no flip within the searched interval).
        public var value: Double?
        /// Whether that value lies within the plausible range.
        public var withinRange: Bool
        /// The side that is cheaper beyond the flip, and whether beyond means below it.
        public var cheaperBeyond: TrainingSide?
        public var beyondIsBelow: Bool?
    }

    /// The Monte Carlo's summary.
    public struct MonteCarlo: Sendable, Codable, Hashable {
        public var draws: Int
        public var seed: UInt64
        /// The distribution each constant is drawn from.
        public var distribution: String
        public var p05: Double
        public var median: Double
        public var p95: Double
        public var mean: Double
        /// The share of draws in which federated training is the cheaper side (ratio at most 1).
        public var federatedCheaperShare: Double
    }

    /// The ratio (federated over centralized joules) at the central constants.
    public var centralRatio: Double
    public var monteCarlo: MonteCarlo
    /// Every moving constant at the end that favours federated training, and at the end that favours centralized.
    public var favourFederatedRatio: Double
    public var favourCentralizedRatio: Double
    /// The moving constants, largest swing first (the tornado).
    public var tornado: [Constant]
    /// The CPU method's swing: the ratio under each of CodeCarbon's rules (a documented mode, not drawn).
    public var ratioByCPUMethod: [String: Double]
    public var chosenCPUMethod: String
    /// The flip points of the constants with the largest swings.
    public var flipPoints: [FlipPoint]
    /// Constants that feed the ratio but did not move: no range given, or low equal to high.
    public var fixed: [Fixed]
    /// What the recomputation holds fixed.
    public var heldFixed: String

    /// The distribution's description, for the report and `report.json`.
    static let distribution = "triangular between low and high with its mode at the central value, on a log scale where the low "
        + "value is above 0 (the constants are multiplicative), on a linear scale where it is 0; every constant drawn independently"

    /// What the recomputation holds fixed.
    static let heldFixedText = "The ratio is recomputed from the run's recorded quantities, without training again: the bytes, FLOPs and "
        + "codec stage sizes the ledger counted and the baseline's measured host work (times the host-time factor) are held fixed, "
        + "and on a device clock so is the timeline as it ran (when each transfer, decode, training and encode happened, and which "
        + "updates were aggregated). A device's FLOP/s scales its training and codec seconds and their joules, and a link's rate the "
        + "joules of its bytes, without moving the timeline; a tail or promotion timer re-charges the tails and promotions between "
        + "the transfers as they happened. The grid multiplies both sides alike and cannot move the ratio."

    /// Analyses `model` over `constants` with a Monte Carlo of `draws` from `seed`, flip points for the
    /// `flipCount` constants with the largest swings.
    init(model: VerdictModel, profiles: EnergyProfiles, constants: [VerdictConstant], chosen: CPUPowerMethod,
         draws: Int, seed: UInt64, flipCount: Int = 5) {
        let ratio = model.ratio(profiles)
        centralRatio = ratio
        chosenCPUMethod = chosen.rawValue
        heldFixed = Self.heldFixedText
        func moved(_ changes: [(VerdictConstant, Double)]) -> Double {
            var variant = profiles
            for (constant, value) in changes { constant.set(&variant, value) }
            return model.ratio(variant)
        }
        let moving = constants.filter { $0.movingRange != nil }
        fixed = constants.filter { $0.movingRange == nil }.map { Fixed(name: $0.name, value: $0.value.value) }
        let ends = moving.map { constant -> Constant in
            let range = constant.movingRange!
            return Constant(
                name: constant.name, label: constant.label, unit: constant.unit, central: constant.value.value, low: range.low, high: range.high,
                reason: range.reason, ratioAtLow: moved([(constant, range.low)]), ratioAtHigh: moved([(constant, range.high)]))
        }
        tornado = zip(moving, ends).sorted { ($0.1.swing, $1.0.name) > ($1.1.swing, $0.0.name) }.map(\.1)
        favourFederatedRatio = moved(zip(moving, ends).map { ($0, $1.ratioAtLow <= $1.ratioAtHigh ? $1.low : $1.high) })
        favourCentralizedRatio = moved(zip(moving, ends).map { ($0, $1.ratioAtLow <= $1.ratioAtHigh ? $1.high : $1.low) })
        ratioByCPUMethod = Dictionary(uniqueKeysWithValues: model.ratioByMethod().map { ($0.method.rawValue, $0.ratio) })

        var generator = SeededGenerator(seed: seed, stream: 0x0DD5)
        var ratios: [Double] = []
        ratios.reserveCapacity(draws)
        for _ in 0..<draws {
            ratios.append(moved(moving.map { ($0, Self.draw($0.value.value, in: $0.movingRange!, using: &generator)) }))
        }
        monteCarlo = Self.summary(of: ratios, seed: seed)

        let byName = Dictionary(uniqueKeysWithValues: moving.map { ($0.name, $0) })
        flipPoints = tornado.prefix(flipCount).map { entry in
            Self.flipPoint(entry, centralRatio: ratio) { moved([(byName[entry.name]!, $0)]) }
        }
    }

    /// A draw within `range` around `central`: triangular with its mode at `central`, on a log scale
    /// when the range's low end is above 0.
    static func draw(_ central: Double, in range: PlausibleRange, using generator: inout SeededGenerator) -> Double {
        let logScale = range.low > 0
        let (a, c, b) = logScale ? (log(range.low), log(central), log(range.high)) : (range.low, central, range.high)
        let u = generator.nextUnit()
        let split = (c - a) / (b - a)
        let x = u < split ? a + ((u * (b - a) * (c - a))).squareRoot() : b - (((1 - u) * (b - a) * (b - c))).squareRoot()
        return logScale ? exp(x) : x
    }

    /// The summary of the Monte Carlo's ratios.
    static func summary(of ratios: [Double], seed: UInt64) -> MonteCarlo {
        let sorted = ratios.sorted()
        func quantile(_ q: Double) -> Double {
            guard !sorted.isEmpty else { return .nan }
            let position = q * Double(sorted.count - 1)
            let (lower, upper) = (Int(position.rounded(.down)), Int(position.rounded(.up)))
            return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
        }
        return MonteCarlo(
            draws: ratios.count, seed: seed, distribution: distribution, p05: quantile(0.05), median: quantile(0.5), p95: quantile(0.95),
            mean: ratios.reduce(0, +) / Double(max(ratios.count, 1)),
            federatedCheaperShare: Double(ratios.filter { $0 <= 1 }.count) / Double(max(ratios.count, 1)))
    }

    /// Where `ratio(x)` crosses 1 within a quarter of the low end to four times the high end (a PUE
    /// no lower than 1): scanned at 400 points on a log scale (linear from 0), the crossing nearest
    /// the central value then bisected.
    static func flipPoint(_ entry: Constant, centralRatio: Double, ratio: (Double) -> Double) -> FlipPoint {
        let from = entry.name.hasSuffix(".pue") ? max(1, entry.low / 4) : entry.low / 4
        let to = entry.high * 4
        var point = FlipPoint(
            constant: entry, searchedFrom: from, searchedTo: to, value: nil, withinRange: false, cheaperBeyond: nil, beyondIsBelow: nil)
        let steps = 400
        let grid = (0...steps).map { i -> Double in
            let t = Double(i) / Double(steps)
            return from > 0 ? exp(log(from) + t * (log(to) - log(from))) : from + t * (to - from)
        }
        let values = grid.map { ratio($0) - 1 }
        var crossings: [(Double, Double)] = []
        for i in 1..<grid.count where (values[i - 1] <= 0) != (values[i] <= 0) { crossings.append((grid[i - 1], grid[i])) }
        guard let nearest = crossings.min(by: { abs(($0.0 + $0.1) / 2 - entry.central) < abs(($1.0 + $1.1) / 2 - entry.central) }) else {
            return point
        }
        var (low, high) = nearest
        let lowSign = ratio(low) - 1 <= 0
        for _ in 0..<80 {
            let middle = (low + high) / 2
            if (ratio(middle) - 1 <= 0) == lowSign { low = middle } else { high = middle }
        }
        let flip = (low + high) / 2
        point.value = flip
        point.withinRange = flip >= entry.low && flip <= entry.high
        // The central side holds on the central value's side of the flip; the other side is cheaper beyond it.
        point.beyondIsBelow = entry.central > flip
        point.cheaperBeyond = centralRatio <= 1 ? .centralized : .federated
        return point
    }
}
