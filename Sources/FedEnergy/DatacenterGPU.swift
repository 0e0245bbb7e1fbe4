/// A datacenter GPU for the centralized side's model: the same FLOPs at the GPU's sustained rate,
/// at its board power, × the datacenter's PUE. A model, not a measurement: the report shows it
/// beside the measured host baseline.
public struct DatacenterGPU: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    /// Sustained float32 FLOP/s on training work.
    public var sustainedFLOPS: SourcedValue
    /// Board power while it trains.
    public var boardPowerWatts: SourcedValue

    /// Seconds the GPU needs for `flops`.
    public func seconds(flops: Int) -> Double { Double(flops) / sustainedFLOPS.value }

    /// Joules of `flops` in `datacenter`: time at the sustained rate × board power × PUE.
    public func joules(flops: Int, in datacenter: DatacenterProfile) -> Double {
        seconds(flops: flops) * boardPowerWatts.value * datacenter.pue.value
    }
}
