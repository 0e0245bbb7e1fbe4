/// Where a constant plausibly lies, and why: the low and high values the report's uncertainty
/// analysis moves it between (docs/ARCHITECTURE.md, "The verdict's uncertainty").
public struct PlausibleRange: Sendable, Hashable, Codable {
    /// The lowest plausible value, in the constant's unit.
    public var low: Double
    /// The highest plausible value, in the constant's unit.
    public var high: Double
    /// Why these bounds: a second source, a measured spread, a documented mode, or "assumption: ...".
    public var reason: String

    /// Creates a range.
    public init(low: Double, high: Double, reason: String) {
        self.low = low
        self.high = high
        self.reason = reason
    }

    /// True when the range does not move the constant (low and high equal).
    public var isPinned: Bool { low == high }
}
