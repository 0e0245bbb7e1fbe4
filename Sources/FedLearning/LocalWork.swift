/// The local training of one client in one round, counted in minibatch steps: `epochs` passes over
/// a shard of `shardSize` samples in batches of `batchSize` (the last batch of each pass holding the
/// remainder), cut short after `stepLimit` steps when one is set (FedProx's variable amount of work:
/// the coordinator's `--straggler-policy partial`).
///
/// The client that trains and the coordinator that checks its Update count the same work from it.
public struct LocalWork: Sendable, Hashable {
    /// Samples in the shard.
    public var shardSize: Int
    /// Samples per full minibatch.
    public var batchSize: Int
    /// Passes over the shard asked for.
    public var epochs: Int
    /// The most steps allowed (nil: every step of every epoch).
    public var stepLimit: Int?

    /// The work of `epochs` passes over `shardSize` samples in batches of `batchSize`, at most
    /// `stepLimit` steps.
    public init(shardSize: Int, batchSize: Int, epochs: Int, stepLimit: Int? = nil) {
        self.shardSize = shardSize
        self.batchSize = batchSize
        self.epochs = epochs
        self.stepLimit = stepLimit
    }

    /// Minibatches in one pass over the shard.
    public var batchesPerEpoch: Int { (shardSize + batchSize - 1) / batchSize }

    /// Steps taken: every step of every epoch, or the limit if that is fewer.
    public var steps: Int { min(stepLimit ?? .max, batchesPerEpoch * epochs) }

    /// Whether the limit cut the work short.
    public var isPartial: Bool { steps < batchesPerEpoch * epochs }

    /// Samples processed, counting a sample once per pass that reached it: whole passes, then the
    /// full batches of the pass the limit stopped in.
    public var sampleVisits: Int {
        guard batchesPerEpoch > 0 else { return 0 }
        return steps / batchesPerEpoch * shardSize + steps % batchesPerEpoch * batchSize
    }

    /// Distinct samples the work reached: the whole shard once a pass is complete. This is the
    /// Update's sample count, its aggregation weight.
    public var distinctSamples: Int { min(shardSize, sampleVisits) }
}
